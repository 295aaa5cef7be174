"""The broadcast engine: sends the outbox at Telegram's pace and loses nothing.

A background task claims pending deliveries in id order, waits for the overall rate and each
chat's own limit, and sends up to `concurrency` requests at once through the lean sender
(wire.py: the one path a digest's message takes too). Outcomes are written back in batches; a
delivery stays "in flight" in memory until its outcome is on disk (recording.py), so it is never
claimed twice by this process. Killed at any moment, the engine
restarts from the outbox: what was sent but not yet recorded is sent again (a few duplicates,
never a loss).

The item's text is read again at most every `item_refresh` seconds (requests.RequestCache). A
release withdrawn or corrected meanwhile is not sent any more, or sent with its new text; a copy
that left with the old text in that short window (or was on the wire) is added to the withdrawal
or correction when its outcome is recorded: each outcome says which revision of the item the
copy carries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from pressbot.core.clock import Clock
from pressbot.core.languages import LANGUAGES
from pressbot.core.models import BroadcastAction
from pressbot.delivery.budget import SendBudget
from pressbot.delivery.copy_sending import CopySender
from pressbot.delivery.outage import OutageGate
from pressbot.delivery.outcomes import Decision, Verdict, outcome_of, unexpected
from pressbot.delivery.recording import OutcomeRecorder
from pressbot.delivery.requests import (
    ReleaseRequests,
    RequestCache,
    quiet_hold,
    reason_not_to_send,
    text_request,
)
from pressbot.delivery.sender import BotApiSender
from pressbot.delivery.wire import Wire
from pressbot.storage import Database
from pressbot.storage.deliveries import DueDelivery
from pressbot.texts.i18n import Translator, translator

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """How fast and how stubbornly the engine sends."""

    rate: float = 25.0
    paid_broadcast: bool = False
    concurrency: int = 32
    retry_base: float = 2.0
    #: A delivery not through this long after its broadcast began is given up (24 h).
    deadline: float = 24 * 3600.0
    batch: int = 500
    flush_interval: float = 0.25
    idle_poll: float = 1.0
    item_refresh: float = 0.25


class DeliveryEngine:
    """Sends what the outbox holds; `wake()` after queueing new work."""

    def __init__(
        self,
        database: Database,
        sender: BotApiSender,
        settings: EngineSettings,
        clock: Clock,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        observe: Callable[[Decision], None] | None = None,
        translators: Mapping[str, Translator] | None = None,
        budget: SendBudget | None = None,
    ) -> None:
        """`budget` is the one the bot's replies share; an engine alone gets its own."""
        self._database = database
        self._settings = settings
        self._clock = clock
        # The bot's own words around a release, in each chat's language.
        self._requests = RequestCache(
            database.items,
            translators or {code: translator(code) for code in LANGUAGES},
            refresh=settings.item_refresh,
            paid_broadcast=settings.paid_broadcast,
            monotonic=monotonic,
        )
        self._observe = observe  # told each send's decision, e.g. to count it in the metrics
        self._budget = budget or SendBudget(
            settings.rate, paid_broadcast=settings.paid_broadcast, monotonic=monotonic
        )
        self._recorder = OutcomeRecorder(database.outbox, clock, settings.batch)
        self._wire = Wire(
            sender,
            self._budget,
            OutageGate(clock, monotonic),
            retry_base=settings.retry_base,
            answered_again=self._recorder.due_again,
        )
        self._copies = CopySender(self._wire, database.media, clock, self._requests.forget)
        # Items whose first copy is on its way with a file not yet on Telegram: the rest of
        # the broadcast waits for the file_id it brings back, so the file goes up once.
        self._first_sends: set[int] = set()
        self._slots = asyncio.Semaphore(settings.concurrency)
        # Claim about a second's worth at a time: what is claimed was read from the outbox, and
        # a reader who unsubscribes meanwhile should not get it a minute later.
        self._claim = min(settings.batch, max(16, math.ceil(settings.rate)))
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._flusher: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        """Start sending in the background."""
        self._stopping = False
        self._runner = asyncio.create_task(self._run(), name="delivery-engine")
        self._flusher = asyncio.create_task(self._flush_periodically(), name="delivery-flush")

    def wake(self) -> None:
        """Look at the outbox now rather than at the next idle poll."""
        self._wake.set()

    async def stop(self, grace: float = 10.0) -> None:
        """Stop claiming, let sends in flight finish (at most `grace` s), record outcomes."""
        self._stopping = True
        self._wake.set()
        for task in (self._runner, self._flusher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._tasks:
            _, unfinished = await asyncio.wait(self._tasks, timeout=grace)
            for task in unfinished:
                task.cancel()
        await self._flush()

    async def close(self) -> None:
        """Close the sender's connections (after stop)."""
        await self._wire.close()

    async def send_text(self, chat_id: int, text: str, thread_id: int | None = None) -> Decision:
        """Send one message outside the outbox (a digest) within the same limits as the rest.

        It takes the same path as a release: the shared budget, the wait for Telegram to
        answer, a 429 pausing every send, and the outcome decided with the same table.
        """
        probe = await self._wire.turn(chat_id)
        request = text_request(text, paid_broadcast=self._settings.paid_broadcast)
        ids = {} if thread_id is None else {"message_thread_id": thread_id}
        decision = await self._wire.send(
            request, chat_id, ids, BroadcastAction.SEND, attempts=1, probe=probe
        )
        if self._observe is not None:
            self._observe(decision)
        return decision

    @property
    def silent_since(self) -> datetime | None:
        """Since when Telegram has not answered the engine; None while it answers."""
        return self._wire.silent_since

    @property
    def in_flight(self) -> int:
        """Deliveries claimed whose outcome is not yet on disk."""
        return len(self._recorder)

    # -- the loop: claim what is due, hand each delivery to a task ----------------------------

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._claim_and_send()
            except (sqlite3.Error, OSError):
                # The database is busy or the disk full: nothing is lost, try again shortly.
                logger.exception("delivery engine could not read the outbox; retrying")
                await self._idle(self._settings.idle_poll)

    async def _claim_and_send(self) -> None:
        after_id = 0
        while not self._stopping:
            now_ts = self._clock().timestamp()
            due = await self._database.outbox.due(after_id, now_ts, self._claim)
            self._budget.forget_idle_chats()
            if not due:
                if after_id:
                    after_id = 0  # back to the start for retries and deferred chats
                    continue
                await self._idle(await self._time_to_next(now_ts))
                continue
            after_id = due[-1].id
            dispatched = 0
            for delivery in due:
                if self._stopping:
                    return
                if delivery.id not in self._recorder:
                    dispatched += await self._dispatch(delivery)
            if not dispatched:
                # Everything due is in flight or its chat must wait: don't spin on it.
                await self._idle(self._settings.flush_interval)

    async def _time_to_next(self, now_ts: float) -> float:
        """Seconds to idle when nothing is due: until the next retry, at most idle_poll."""
        next_at = await self._database.outbox.next_due_at()
        if next_at is None:
            return self._settings.idle_poll
        return min(self._settings.idle_poll, max(0.0, next_at - now_ts))

    async def _dispatch(self, delivery: DueDelivery) -> bool:
        """Send one delivery when its chat allows; False when the chat must wait."""
        requests = await self._requests.get(delivery.item_id, delivery.language, delivery.version)
        reason = reason_not_to_send(
            delivery, requests, self._clock().timestamp(), self._settings.deadline
        )
        if reason is not None or requests is None:
            self._settle(delivery, Decision(Verdict.FAILED, error=reason))
            return True
        if (held := quiet_hold(delivery, self._clock())) is not None:
            # Rows keep their order, so what was held goes out in order when the quiet ends.
            self._settle(delivery, held)
            return True
        if self._budget.chat_wait(delivery.chat_id, requests.messages(delivery)) > 0:
            return False
        first_send = requests.plan.unresolved and delivery.action is not BroadcastAction.WITHDRAW
        if first_send:
            if delivery.item_id in self._first_sends:
                return False
            self._first_sends.add(delivery.item_id)
        try:
            probe = await self._wire.turn(delivery.chat_id, requests.messages(delivery))
        except BaseException:
            self._first_sends.discard(delivery.item_id)
            raise
        try:
            await self._slots.acquire()
        except BaseException:  # stopped while waiting: let another request be the probe
            self._wire.abandon(probe=probe)
            self._first_sends.discard(delivery.item_id)
            raise
        self._recorder.claim(delivery.id)
        task = asyncio.create_task(self._deliver(delivery, requests, probe))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if first_send:
            task.add_done_callback(lambda _: self._first_sends.discard(delivery.item_id))
        return True

    def _settle(self, delivery: DueDelivery, decision: Decision) -> None:
        """Record a decision made without sending (given up, or held for quiet hours)."""
        self._recorder.claim(delivery.id)
        self._recorder.add(outcome_of(delivery, decision, self._clock().timestamp()))

    async def _deliver(
        self, delivery: DueDelivery, requests: ReleaseRequests, probe: bool
    ) -> None:
        try:
            try:
                decision = await self._attempt(delivery, requests, probe)
                if decision.verdict is Verdict.MIGRATED and decision.new_chat_id is not None:
                    await self._database.outbox.migrate_chat(
                        delivery.chat_id, decision.new_chat_id, self._clock()
                    )
            except Exception as error:  # whatever it was, the row must not hang in flight
                logger.exception("delivery %d went wrong", delivery.id)
                decision = unexpected(error, delivery, self._settings.retry_base)
            if self._observe is not None:
                self._observe(decision)
            now_ts = self._clock().timestamp()
            outcome = outcome_of(
                delivery, decision, now_ts, requests.item.revision, requests.version
            )
            if self._recorder.add(outcome):
                await asyncio.shield(self._flush())
        finally:
            self._slots.release()

    # -- one delivery's requests, sent along the wire digests take too -----------------------

    async def _attempt(
        self, delivery: DueDelivery, requests: ReleaseRequests, probe: bool
    ) -> Decision:
        return await self._copies.attempt(delivery, requests, probe)

    # -- waiting and recording ----------------------------------------------------------------

    async def _idle(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(self._settings.flush_interval)
            # Shielded: stop() cancels this task, but a batch half written must be finished.
            await asyncio.shield(self._flush())

    async def _flush(self) -> None:
        if await self._recorder.flush():
            self._wake.set()
