"""Who acts, and what goes wrong: shared by every action of the publishing package."""

from __future__ import annotations

from dataclasses import dataclass

from pressbot.core.languages import TranslatableError
from pressbot.core.models import Draft
from pressbot.storage import Database


class PublishingError(TranslatableError):
    """An action that can't be done; the message says why, for the admin."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who lets a draft out (audited), and the chat that follows its progress.

    By default its author, in the draft's chat. A publisher approving a submission acts for
    its author: the draft is the submission's, and the author's draft in progress, if any, is
    another one and stays.
    """

    user_id: int
    chat_id: int
    approving: bool = False

    @classmethod
    def author_of(cls, draft: Draft) -> Actor:
        """The draft's own author, in their chat."""
        return cls(draft.admin_id, draft.chat_id)

    @classmethod
    def approver(cls, user_id: int, chat_id: int) -> Actor:
        """A publisher approving a submission, from their chat."""
        return cls(user_id, chat_id, approving=True)

    async def done_with(self, database: Database, draft: Draft) -> None:
        """The draft is let out: the author's draft is dropped (not when approving)."""
        if not self.approving:
            await database.drafts.delete(draft.admin_id)
