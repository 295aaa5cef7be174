"""What the engine sends for one item in one language, prepared once for every chat.

A broadcast's requests differ only in chat_id (and message_id for edits and deletes), so each
item's are serialised once per language (sender.PreparedRequest) and kept while the item is
unchanged. Here too: why a due delivery is not to be sent after all.
"""

from __future__ import annotations

from dataclasses import dataclass

from pressbot.core.models import BroadcastAction, Item, ItemStatus
from pressbot.delivery.sender import PreparedRequest
from pressbot.storage.outbox import DueDelivery
from pressbot.texts.i18n import Translator
from pressbot.texts.reader import release_keyboard, render_release, render_withdrawn


@dataclass(slots=True)
class ReleaseRequests:
    """The prepared requests of one item's broadcast, for the item as last read."""

    item: Item
    checked_at: float  # monotonic time the item was last read
    send: PreparedRequest
    edit: PreparedRequest
    withdrawn: PreparedRequest
    delete: PreparedRequest


def prepare_requests(
    item: Item, tr: Translator, now: float, *, paid_broadcast: bool
) -> ReleaseRequests:
    """Render the item in `tr`'s language and serialise its send, edit and withdrawal."""
    common = {"parse_mode": "HTML", "link_preview_options": {"is_disabled": True}}
    text = {
        "text": render_release(item, tr),
        "reply_markup": release_keyboard(item, tr).to_dict(),
    }
    send_extra = {"allow_paid_broadcast": True} if paid_broadcast else {}
    return ReleaseRequests(
        item=item,
        checked_at=now,
        send=PreparedRequest("sendMessage", {**common, **text, **send_extra}),
        edit=PreparedRequest("editMessageText", {**common, **text}),
        withdrawn=PreparedRequest(
            "editMessageText", {**common, "text": render_withdrawn(item, tr)}
        ),
        delete=PreparedRequest("deleteMessage", {}),
    )


def reason_not_to_send(
    delivery: DueDelivery, requests: ReleaseRequests | None, now_ts: float, deadline: float
) -> str | None:
    """Why a due delivery is not to be sent after all; None when it is.

    `deadline`: seconds after its broadcast began within which a delivery is still tried.
    """
    if requests is None:
        return "the item no longer exists"
    if delivery.queued_at and now_ts - delivery.queued_at > deadline:
        reason = f"not delivered within {_duration(deadline)}"
        return f"{reason}: {delivery.last_error}" if delivery.last_error else reason
    if delivery.action is BroadcastAction.WITHDRAW:
        return None
    if requests.item.status is not ItemStatus.PUBLISHED:
        return "withdrawn before delivery"
    if delivery.action is BroadcastAction.SEND and not delivery.subscribed:
        return "no longer subscribed"
    return None


def _duration(seconds: float) -> str:
    """24 h, 90 min, 45 s: a deadline as an operator set it."""
    whole = round(seconds)
    if whole % 3600 == 0:
        return f"{whole // 3600} h"
    if whole % 60 == 0:
        return f"{whole // 60} min"
    return f"{whole} s"
