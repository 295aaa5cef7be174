"""What the engine sends for one item in one language, prepared once for every chat.

A broadcast's requests differ only in chat_id (and message_id for edits and deletes), so each
item's are serialised once per language (sender.PreparedRequest) and kept while the item is
unchanged (`RequestCache`). A digest's text goes through the same parameters (`text_request`).
Here too: why a due delivery is not to be sent after all, or not yet.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from pressbot.core.models import BroadcastAction, Item, ItemStatus
from pressbot.core.quiet import HELD_FOR_QUIET_HOURS, quiet_until
from pressbot.delivery.copies import CopyPlan, plan_copy
from pressbot.delivery.outcomes import Decision, Verdict
from pressbot.delivery.sender import PreparedRequest
from pressbot.storage.deliveries import DueDelivery
from pressbot.storage.items import ItemStore
from pressbot.texts.i18n import Translator, pick_translator

#: Every message the engine sends is HTML, without a link preview.
_COMMON: Final[Mapping[str, Any]] = {
    "parse_mode": "HTML",
    "link_preview_options": {"is_disabled": True},
}


def _new_message_extra(paid_broadcast: bool) -> dict[str, Any]:
    """What a new message adds: the paid rate it may be paced at."""
    return {"allow_paid_broadcast": True} if paid_broadcast else {}


@dataclass(slots=True)
class ReleaseRequests:
    """The prepared requests of one item's broadcast, for the item as last read."""

    item: Item
    checked_at: float  # monotonic time the item was last read
    plan: CopyPlan  # a copy's messages, their edits and their withdrawal
    version: str  # the language of the version whose words the plan carries

    def messages(self, delivery: DueDelivery) -> int:
        """How many messages a delivery makes, each counted against Telegram's limits."""
        if delivery.action is BroadcastAction.SEND:
            return self.plan.messages(len(delivery.media_message_ids))
        if delivery.action is BroadcastAction.EDIT and delivery.copy_shape != self.plan.shape:
            return self.plan.messages(0)  # the copy is sent anew
        return 1


def prepare_requests(
    item: Item, tr: Translator, now: float, *, paid_broadcast: bool, version: str | None = None
) -> ReleaseRequests:
    """Render the item in `tr`'s language (its words in `version`, else the version of
    that language) and serialise its copy, edits and withdrawal."""
    chosen = item.version_for(version or tr.language).language
    return ReleaseRequests(
        item=item,
        checked_at=now,
        plan=plan_copy(item, tr, _new_message_extra(paid_broadcast), version=chosen),
        version=chosen,
    )


def text_request(text: str, *, paid_broadcast: bool) -> PreparedRequest:
    """A message of the bot's own (a digest) with the parameters of a release."""
    return PreparedRequest(
        "sendMessage", {**_COMMON, "text": text, **_new_message_extra(paid_broadcast)}
    )


def addressed(delivery: DueDelivery) -> dict[str, int]:
    """The ids a delivery's request adds to chat_id: its forum topic, or the copy it edits."""
    if delivery.action is BroadcastAction.SEND:
        return {} if delivery.thread_id is None else {"message_thread_id": delivery.thread_id}
    assert delivery.message_id is not None  # noqa: S101 - edit rows copy a message id
    return {"message_id": delivery.message_id}


class RequestCache:
    """Each item's requests per language and version, the item read again when the read is
    stale.

    `refresh`: seconds a read of the item is trusted; a release corrected or withdrawn
    meanwhile is sent with its new text, or not at all, that much later at most.
    """

    def __init__(
        self,
        items: ItemStore,
        translators: Mapping[str, Translator],
        *,
        refresh: float,
        paid_broadcast: bool,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._items = items
        self._translators = translators
        self._refresh = refresh
        self._paid_broadcast = paid_broadcast
        self._monotonic = monotonic
        self._requests: dict[tuple[int, str, str | None], ReleaseRequests] = {}

    async def get(
        self, item_id: int, language: str, version: str | None = None
    ) -> ReleaseRequests | None:
        """The item's requests in a chat's language, with the words of `version` (a copy's
        recorded one; None: the chat's); None when the item no longer exists."""
        now = self._monotonic()
        key = (item_id, language, version)
        cached = self._requests.get(key)
        if cached is not None and now - cached.checked_at < self._refresh:
            return cached
        item = await self._items.get(item_id)
        if item is None:
            self._requests.pop(key, None)
            return None
        return self._remember(item, pick_translator(self._translators, language), version, now)

    def forget(self, item_id: int) -> None:
        """The item changed (its media learnt a file_id, or lost a file): read it again."""
        for key in [key for key in self._requests if key[0] == item_id]:
            del self._requests[key]

    def _remember(
        self, item: Item, tr: Translator, version: str | None, now: float
    ) -> ReleaseRequests:
        """Cache the item's requests, preparing them again only when the item changed."""
        key = (item.id, tr.language, version)
        cached = self._requests.get(key)
        if cached is not None and cached.item == item:
            cached.checked_at = now
            return cached
        requests = prepare_requests(
            item, tr, now, paid_broadcast=self._paid_broadcast, version=version
        )
        self._requests[key] = requests
        return requests


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


def quiet_hold(delivery: DueDelivery, now: datetime) -> Decision | None:
    """Hold a release until the chat's quiet hours end; None to send it now."""
    if delivery.action is not BroadcastAction.SEND or delivery.urgent or not delivery.quiet:
        return None
    until = quiet_until(now, delivery.quiet)
    if until is None:
        return None
    wait = (until - now).total_seconds()
    return Decision(Verdict.HELD, error=HELD_FOR_QUIET_HOURS, wait=wait)


def _duration(seconds: float) -> str:
    """24 h, 90 min, 45 s: a deadline as an operator set it."""
    whole = round(seconds)
    if whole % 3600 == 0:
        return f"{whole // 3600} h"
    if whole % 60 == 0:
        return f"{whole // 60} min"
    return f"{whole} s"
