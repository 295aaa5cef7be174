"""One delivery's requests, made along the wire: a copy sent, edited or withdrawn.

A copy of several messages (an album, then its words) is sent as one unit: its messages go one
after another and the outcome names every message; if the words fail after the album went, the
album's messages are kept with the pending delivery and the next try sends only what is left.
A first send of a file not yet on Telegram (a URL, a local file) teaches the item its file_id;
a file Telegram can't fetch is dropped from the release, which goes without it (the admins are
told), and the copy is built again at once.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from typing import Final

from pressbot.core.clock import Clock
from pressbot.core.models import BroadcastAction
from pressbot.delivery.copies import CAPTION, TEXT, CopyPlan, Step
from pressbot.delivery.outcomes import DELETE_WINDOW_SECONDS, Decision, Verdict
from pressbot.delivery.requests import ReleaseRequests, addressed
from pressbot.delivery.sender import PreparedRequest
from pressbot.delivery.unusable import culprits, unusable
from pressbot.delivery.wire import Wire
from pressbot.storage.deliveries import DueDelivery
from pressbot.storage.media import MediaStore

logger = logging.getLogger(__name__)


class CopySender:
    """Makes a delivery's requests; `changed` is told of an item whose media changed."""

    def __init__(
        self, wire: Wire, media: MediaStore, clock: Clock, changed: Callable[[int], None]
    ) -> None:
        self._wire = wire
        self._media = media
        self._clock = clock
        self._changed = changed

    async def attempt(
        self, delivery: DueDelivery, requests: ReleaseRequests, probe: bool
    ) -> Decision:
        """Send, edit or withdraw the delivery's copy; the decision names its messages."""
        if delivery.action is BroadcastAction.SEND:
            return await self._send(delivery, requests.plan, probe, begun=delivery.copy_shape)
        if delivery.action is BroadcastAction.EDIT:
            return await self._edit(delivery, requests.plan, probe)
        return await self._withdraw(delivery, requests, probe)

    # -- a new copy ---------------------------------------------------------------------------

    async def _send(
        self, delivery: DueDelivery, plan: CopyPlan, probe: bool, *, begun: str
    ) -> Decision:
        """Send the copy's messages that have not gone yet. `begun`: the shape of the copy
        whose first messages went at an earlier try (delivery.media_message_ids); when the
        release has changed shape since, they are deleted and the copy starts again."""
        media_ids = list(delivery.media_message_ids)
        if media_ids and begun != plan.shape:
            await self._delete_messages(delivery, tuple(media_ids))
            media_ids = []
        skip = len(media_ids)
        thread = {} if delivery.thread_id is None else {"message_thread_id": delivery.thread_id}
        for step in plan.media_steps:
            if skip >= step.messages:  # went out at an earlier try
                skip -= step.messages
                continue
            decision = await self._step(step, delivery, thread, probe)
            probe = False
            if decision.verdict is not Verdict.SENT:
                return await self._unsent(decision, step, delivery, plan, tuple(media_ids))
            media_ids.extend(decision.message_ids)
        decision = await self._step(plan.words, delivery, thread, probe)
        if decision.verdict is not Verdict.SENT:
            return await self._unsent(decision, plan.words, delivery, plan, tuple(media_ids))
        return dataclasses.replace(
            decision, media_message_ids=tuple(media_ids), copy_shape=plan.shape
        )

    async def _step(
        self, step: Step, delivery: DueDelivery, ids: dict[str, int], probe: bool
    ) -> Decision:
        decision = await self._wire.send_step(
            step,
            delivery.chat_id,
            ids,
            delivery.action,
            attempts=delivery.attempts + 1,
            probe=probe,
            delivery_id=delivery.id,
        )
        if decision.verdict is Verdict.SENT and step.positions:
            await self._learn(delivery.item_id, step, decision)
        return decision

    async def _learn(self, item_id: int, step: Step, decision: Decision) -> None:
        """Keep the file_ids a first send of URLs or local files got back."""
        if not step.unresolved:
            return
        file_ids = {
            position: file_id
            for position, file_id in zip(step.positions, decision.file_ids, strict=False)
            if file_id
        }
        if file_ids:
            await self._media.keep_file_ids(item_id, file_ids)
            self._changed(item_id)

    async def _unsent(
        self,
        decision: Decision,
        step: Step,
        delivery: DueDelivery,
        plan: CopyPlan,
        sent: tuple[int, ...],
    ) -> Decision:
        """A step that did not go: the copy waits with what went (and the shape it was of),
        or goes without a file Telegram can't use and starts again."""
        if decision.verdict is Verdict.MIGRATED:  # what went is in the old chat: all again
            return dataclasses.replace(decision, media_message_ids=())
        if unusable(decision, step, delivery):
            positions = culprits(step, decision.error or "")
            if positions and await self._media.drop(
                delivery.item_id, positions, decision.error or "", self._clock()
            ):
                logger.warning(
                    "item %d goes without %d file(s) Telegram could not use: %s",
                    delivery.item_id,
                    len(positions),
                    decision.error,
                )
                self._changed(delivery.item_id)
                # The copy is built anew without the file: what went of it goes, so that no
                # photo arrives twice when the new copy puts it elsewhere.
                if sent:
                    await self._delete_messages(delivery, sent)
                return Decision(Verdict.REBUILD, error=decision.error, media_message_ids=())
        if decision.verdict is Verdict.FAILED and sent:
            # Given up for good: the half of the copy that went is no copy; it goes too.
            await self._delete_messages(delivery, sent)
            return dataclasses.replace(decision, media_message_ids=())
        if not sent:
            return decision
        return dataclasses.replace(decision, media_message_ids=sent, copy_shape=plan.shape)

    # -- a correction -------------------------------------------------------------------------

    async def _edit(self, delivery: DueDelivery, plan: CopyPlan, probe: bool) -> Decision:
        if delivery.copy_shape.startswith(REPLACING):  # the old copy went at an earlier try
            begun = delivery.copy_shape.removeprefix(REPLACING)
            return await self._send_replacement(delivery, plan, probe, begun=begun)
        assert delivery.message_id is not None  # noqa: S101 - edit rows copy a message id
        old_holder = delivery.copy_shape.rpartition("|")[2] or TEXT
        if delivery.copy_shape != plan.shape:
            if self._age(delivery) < DELETE_WINDOW_SECONDS:
                return await self._replace(delivery, plan, old_holder, probe)
            # Too old to delete: its words are corrected, its media stay as they were.
            return await self._call(plan_words(plan, old_holder), delivery, probe)
        if delivery.media_changed:
            holders = (delivery.message_id,) if old_holder == CAPTION else ()
            for step, message_id in zip(
                plan.edit_media, delivery.media_message_ids or holders, strict=False
            ):
                decision = await self._step(step, delivery, {"message_id": message_id}, probe)
                probe = False
                if decision.verdict is not Verdict.SENT:
                    return decision
            if old_holder == CAPTION:  # its editMessageMedia set the caption too
                return Decision(Verdict.SENT)
        return await self._call(plan_words(plan, old_holder), delivery, probe)

    async def _replace(
        self, delivery: DueDelivery, plan: CopyPlan, old_holder: str, probe: bool
    ) -> Decision:
        """A copy whose shape changed (a photo added or removed): delete it, send it anew;
        one Telegram will not delete after all has its words corrected where they are."""
        deleted = await self._delete(delivery, probe)
        if deleted.verdict is Verdict.EDIT_INSTEAD:
            return await self._call(plan_words(plan, old_holder), delivery, probe=False)
        if deleted.verdict is not Verdict.SENT:
            return deleted
        fresh = dataclasses.replace(delivery, media_message_ids=())
        return await self._send_replacement(fresh, plan, False, begun=plan.shape)

    async def _send_replacement(
        self, delivery: DueDelivery, plan: CopyPlan, probe: bool, *, begun: str
    ) -> Decision:
        """The new copy in place of one deleted: once sent, the release's row names it; until
        then the delivery keeps what went of it, marked as a replacement under way."""
        sent = await self._send(delivery, plan, probe, begun=begun)
        if sent.verdict is Verdict.SENT:
            return dataclasses.replace(sent, replaced_copy=True)
        shape = f"{REPLACING}{sent.copy_shape or plan.shape}"
        return dataclasses.replace(
            sent, copy_shape=shape, media_message_ids=sent.media_message_ids or ()
        )

    # -- a withdrawal -------------------------------------------------------------------------

    async def _withdraw(
        self, delivery: DueDelivery, requests: ReleaseRequests, probe: bool
    ) -> Decision:
        if self._age(delivery) < DELETE_WINDOW_SECONDS:
            decision = await self._delete(delivery, probe)
            if decision.verdict is not Verdict.EDIT_INSTEAD:
                return decision
            probe = False
        holder = delivery.copy_shape.rpartition("|")[2] or TEXT
        plan = requests.plan
        words = plan.withdrawn_caption if holder == CAPTION else plan.withdrawn_text
        return await self._call(words, delivery, probe)

    async def _delete_messages(self, delivery: DueDelivery, ids: tuple[int, ...]) -> None:
        """Delete messages that went of a copy built anew (best effort: a failure leaves
        them, it does not hold the copy back)."""
        decision = await self._delete_ids(delivery, ids, probe=False)
        if decision.verdict is not Verdict.SENT:
            logger.warning(
                "delivery %d: %d messages of an earlier try not deleted: %s",
                delivery.id,
                len(ids),
                decision.error,
            )

    async def _delete(self, delivery: DueDelivery, probe: bool) -> Decision:
        assert delivery.message_id is not None  # noqa: S101 - copies have a message id
        return await self._delete_ids(
            delivery, (*delivery.media_message_ids, delivery.message_id), probe=probe
        )

    async def _delete_ids(
        self, delivery: DueDelivery, ids: tuple[int, ...], *, probe: bool
    ) -> Decision:
        params: dict[str, int | tuple[int, ...]]
        if len(ids) == 1:
            request, params = _DELETE_ONE, {"message_id": ids[0]}
        else:
            request, params = _DELETE_MANY, {"message_ids": ids}
        return await self._call(
            request, delivery, probe, ids=params, action=BroadcastAction.WITHDRAW
        )

    # -- helpers ------------------------------------------------------------------------------

    async def _call(
        self,
        request: PreparedRequest,
        delivery: DueDelivery,
        probe: bool,
        *,
        ids: Mapping[str, int | tuple[int, ...]] | None = None,
        action: BroadcastAction | None = None,
    ) -> Decision:
        """One request of the delivery: to its chat, with the copy's ids unless `ids` says
        others, decided as its action unless `action` says another (a delete is a withdrawal's)."""
        return await self._wire.send(
            request,
            delivery.chat_id,
            addressed(delivery) if ids is None else ids,
            delivery.action if action is None else action,
            attempts=delivery.attempts + 1,
            probe=probe,
            delivery_id=delivery.id,
        )

    def _age(self, delivery: DueDelivery) -> float:
        return self._clock().timestamp() - (delivery.copy_sent_at or 0.0)


#: copy_shape of an edit row whose old copy is deleted and whose new one is partly sent.
REPLACING: Final = "replacing:"
_DELETE_ONE: Final = PreparedRequest("deleteMessage", {})
_DELETE_MANY: Final = PreparedRequest("deleteMessages", {})


def plan_words(plan: CopyPlan, holder: str) -> PreparedRequest:
    """The edit of a copy's words, in the message that holds them."""
    return plan.edit_caption if holder == CAPTION else plan.edit_text
