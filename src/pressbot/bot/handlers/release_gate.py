"""The gate before anything goes out: who lets a release, a correction or a withdrawal out
themselves, and who must submit it for approval (PRESSBOT_APPROVAL, core.team.needs_approval).

Asked afresh at every press of Publish, Schedule or Confirm, at the release time's answer, and
when the preview's buttons are drawn: a role or the mode may have changed since the preview.
"""

from __future__ import annotations

from telegram import Update

from pressbot.bot.context import PressContext
from pressbot.bot.handlers.rights import record_refused, refuse, say_no
from pressbot.core.models import Draft
from pressbot.core.team import Action, Right, may, needs_approval
from pressbot.texts import approval as approval_texts

#: How much of a refused press or message the audit row keeps (as rights.py does).


def action_of(draft: Draft) -> Action:
    """What letting the draft out is: a new release, or a correction of its item."""
    return Action.RELEASE if draft.item_id is None else Action.CORRECTION


async def must_submit(context: PressContext, user_id: int, action: Action) -> bool:
    """Whether the user's own `action` must wait for another member's approval."""
    role = await context.role_of(user_id)
    return needs_approval(context.services.settings.approval, role, action)


async def may_let_out(update: Update, context: PressContext, action: Action) -> bool:
    """Whether the presser (or sender) may let `action` out themselves: a publisher or an
    owner whom the mode does not ask for approval. Otherwise refused: said and recorded."""
    user = update.effective_user
    role = await context.role_of(user.id if user else None)
    if not may(role, Right.PUBLISH):
        await refuse(update, context, role, Right.PUBLISH)
        return False
    if not needs_approval(context.services.settings.approval, role, action):
        return True
    await record_refused(update, context, needs="approval", role=role or "none")
    await say_no(update, context.tr(approval_texts.NEEDS_APPROVAL))
    return False
