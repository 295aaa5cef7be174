"""The broadcast engine: sends the outbox at Telegram's pace and loses nothing.

A background task claims pending deliveries in id order, waits for the overall rate and each
chat's own limit, and sends up to `concurrency` requests at once through the lean sender.
Outcomes are written back in batches; a delivery stays "in flight" in memory until its outcome
is on disk, so it is never claimed twice by this process. Killed at any moment, the engine
restarts from the outbox: what was sent but not yet recorded is sent again (a few duplicates,
never a loss).

The item's text is read again at most every `item_refresh` seconds. A release withdrawn or
corrected meanwhile is not sent any more, or sent with its new text; a copy that left with the
old text in that short window (or was on the wire) is added to the withdrawal or correction when
its outcome is recorded: each outcome says which revision of the item the copy carries.
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

from pressbot.core.languages import LANGUAGES
from pressbot.core.models import BroadcastAction, DeliveryStatus, Item
from pressbot.core.quiet import HELD_FOR_QUIET_HOURS, quiet_until
from pressbot.delivery.budget import SendBudget
from pressbot.delivery.outage import OutageGate
from pressbot.delivery.outcomes import (
    DELETE_WINDOW_SECONDS,
    Decision,
    Verdict,
    decide,
    retry_delay,
)
from pressbot.delivery.requests import ReleaseRequests, prepare_requests, reason_not_to_send
from pressbot.delivery.sender import ApiAnswer, BotApiSender, PreparedRequest
from pressbot.storage import Database
from pressbot.storage.outbox import DeliveryOutcome, DueDelivery
from pressbot.texts.i18n import Translator, pick_translator, translator

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


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
        self._sender = sender
        self._settings = settings
        self._clock = clock
        self._monotonic = monotonic
        # The bot's own words around a release, in each chat's language.
        self._translators = translators or {code: translator(code) for code in LANGUAGES}
        self._observe = observe  # told each send's decision, e.g. to count it in the metrics
        self._budget = budget or SendBudget(
            settings.rate, paid_broadcast=settings.paid_broadcast, monotonic=monotonic
        )
        self._gate = OutageGate(clock, monotonic)
        self._due_again: set[int] = set()  # failed during an outage that is over: due now
        self._slots = asyncio.Semaphore(settings.concurrency)
        # Claim about a second's worth at a time: what is claimed was read from the outbox, and
        # a reader who unsubscribes meanwhile should not get it a minute later.
        self._claim = min(settings.batch, max(16, math.ceil(settings.rate)))
        self._wake = asyncio.Event()
        self._in_flight: set[int] = set()
        self._outcomes: list[DeliveryOutcome] = []
        self._flushing = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._requests: dict[tuple[int, str], ReleaseRequests] = {}
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
        await self._sender.close()

    async def send_text(self, chat_id: int, text: str, thread_id: int | None = None) -> Decision:
        """Send one message outside the outbox (a digest) within the same limits as the rest.

        It waits for the shared budget and for Telegram to answer, and decides the outcome with
        the same table; a 429 pauses every send, as in a broadcast.
        """
        probe = await self._turn(chat_id)
        params: dict[str, object] = {"text": text, "parse_mode": "HTML"}
        params["link_preview_options"] = {"is_disabled": True}
        if self._settings.paid_broadcast:  # the rate it is paced at may be the paid one
            params["allow_paid_broadcast"] = True
        request = PreparedRequest("sendMessage", params)
        body = (
            request.body_for(chat_id)
            if thread_id is None
            else request.body_for(chat_id, message_thread_id=thread_id)
        )
        answer = await self._call(request, body, probe=probe)
        decision = decide(
            answer, BroadcastAction.SEND, attempts=1, retry_base=self._settings.retry_base
        )
        if self._observe is not None:
            self._observe(decision)
        return decision

    async def _turn(self, chat_id: int) -> bool:
        """Wait for Telegram to answer (one probe at a time while it does not), then for the
        shared budget; True when this send is the outage's probe."""
        probe = await self._gate.admit()
        try:
            await self._budget.for_broadcast(chat_id)
        except BaseException:  # stopped while waiting: let another request be the probe
            self._gate.abandon(probe=probe)
            raise
        return probe

    @property
    def silent_since(self) -> datetime | None:
        """Since when Telegram has not answered the engine; None while it answers."""
        return self._gate.silent_since

    @property
    def in_flight(self) -> int:
        """Deliveries claimed whose outcome is not yet on disk."""
        return len(self._in_flight)

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
                if delivery.id not in self._in_flight:
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
        requests = await self._prepared(delivery.item_id, delivery.language)
        reason = reason_not_to_send(
            delivery, requests, self._clock().timestamp(), self._settings.deadline
        )
        if reason is not None or requests is None:
            self._in_flight.add(delivery.id)
            decision = Decision(Verdict.FAILED, error=reason)
            self._outcomes.append(self._outcome(delivery, decision))
            return True
        if (held := self._quiet_hold(delivery)) is not None:
            # Rows keep their order, so what was held goes out in order when the quiet ends.
            self._in_flight.add(delivery.id)
            self._outcomes.append(self._outcome(delivery, held))
            return True
        if self._budget.chat_wait(delivery.chat_id) > 0:
            return False
        probe = await self._turn(delivery.chat_id)
        try:
            await self._slots.acquire()
        except BaseException:  # stopped while waiting: let another request be the probe
            self._gate.abandon(probe=probe)
            raise
        self._in_flight.add(delivery.id)
        task = asyncio.create_task(self._deliver(delivery, requests, probe))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    def _quiet_hold(self, delivery: DueDelivery) -> Decision | None:
        """Hold a release until the chat's quiet hours end; None to send it now."""
        if delivery.action is not BroadcastAction.SEND or delivery.urgent or not delivery.quiet:
            return None
        now = self._clock()
        until = quiet_until(now, delivery.quiet)
        if until is None:
            return None
        wait = (until - now).total_seconds()
        return Decision(Verdict.HELD, error=HELD_FOR_QUIET_HOURS, wait=wait)

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
                decision = self._unexpected(error, delivery)
            if self._observe is not None:
                self._observe(decision)
            self._outcomes.append(self._outcome(delivery, decision, requests.item.revision))
            if len(self._outcomes) >= self._settings.batch:
                await asyncio.shield(self._flush())
        finally:
            self._slots.release()

    async def _attempt(
        self, delivery: DueDelivery, requests: ReleaseRequests, probe: bool
    ) -> Decision:
        action = delivery.action
        if action is BroadcastAction.SEND:
            request = requests.send
            if delivery.thread_id is None:
                body = request.body_for(delivery.chat_id)
            else:
                body = request.body_for(delivery.chat_id, message_thread_id=delivery.thread_id)
        else:
            assert delivery.message_id is not None  # noqa: S101 - edit rows copy a message id
            request = requests.edit
            if action is BroadcastAction.WITHDRAW:
                age = self._clock().timestamp() - (delivery.copy_sent_at or 0.0)
                request = requests.delete if age < DELETE_WINDOW_SECONDS else requests.withdrawn
            body = request.body_for(delivery.chat_id, message_id=delivery.message_id)
        answer = await self._call(request, body, probe=probe, delivery_id=delivery.id)
        decision = self._decide(answer, delivery)
        if decision.verdict is Verdict.EDIT_INSTEAD and delivery.message_id is not None:
            body = requests.withdrawn.body_for(delivery.chat_id, message_id=delivery.message_id)
            answer = await self._call(requests.withdrawn, body, delivery_id=delivery.id)
            decision = self._decide(answer, delivery)
        return decision

    async def _call(
        self,
        request: PreparedRequest,
        body: bytes,
        *,
        probe: bool = False,
        delivery_id: int | None = None,
    ) -> ApiAnswer:
        """One Bot API call; what its answer says of Telegram goes to the gate and the budget."""
        try:
            answer = await self._sender.call(request.method, body)
        except BaseException:
            self._gate.abandon(probe=probe)
            raise
        if answer.transient:
            self._gate.failed(answer.description, probe=probe, delivery_id=delivery_id)
            return answer
        self._due_again |= self._gate.answered()
        if answer.status == 429 or answer.error_code == 429:
            wait = answer.retry_after or 1.0
            self._budget.pause(wait)
            logger.warning("Telegram asked to wait %.0f s (429); all sending paused", wait)
        return answer

    def _unexpected(self, error: Exception, delivery: DueDelivery) -> Decision:
        """A bug or a database error while sending: retried like a network error."""
        wait = retry_delay(delivery.attempts + 1, self._settings.retry_base)
        return Decision(Verdict.RETRY, error=f"{type(error).__name__}: {error}", wait=wait)

    def _decide(self, answer: ApiAnswer, delivery: DueDelivery) -> Decision:
        return decide(
            answer,
            delivery.action,
            attempts=delivery.attempts + 1,
            retry_base=self._settings.retry_base,
        )

    def _outcome(
        self, delivery: DueDelivery, decision: Decision, revision: int | None = None
    ) -> DeliveryOutcome:
        now = self._clock().timestamp()
        verdict = decision.verdict
        if verdict in (Verdict.FLOOD, Verdict.MIGRATED, Verdict.HELD, Verdict.RETRY):
            # The same message again later; a flood wait, a migration or quiet hours are not
            # the chat's fault, so only a real retry uses up an attempt.
            return DeliveryOutcome(
                delivery.id,
                delivery.chat_id,
                DeliveryStatus.PENDING,
                now,
                error=decision.error,
                not_before=now + decision.wait,
                counts_as_attempt=verdict is Verdict.RETRY,
            )
        status = {
            Verdict.SENT: DeliveryStatus.SENT,
            Verdict.BLOCKED: DeliveryStatus.BLOCKED,
        }.get(verdict, DeliveryStatus.FAILED)
        new_copy = delivery.action is BroadcastAction.SEND
        return DeliveryOutcome(
            delivery.id,
            delivery.chat_id,
            status,
            now,
            message_id=decision.message_id if new_copy else None,
            error=decision.error,
            revision=revision if new_copy else None,
        )

    async def _prepared(self, item_id: int, language: str) -> ReleaseRequests | None:
        """The item's requests in a language, reading the item again when the read is stale."""
        now = self._monotonic()
        cached = self._requests.get((item_id, language))
        if cached is not None and now - cached.checked_at < self._settings.item_refresh:
            return cached
        item = await self._database.items.get(item_id)
        if item is None:
            self._requests.pop((item_id, language), None)
            return None
        return self._remember(item, pick_translator(self._translators, language), now)

    def _remember(self, item: Item, tr: Translator, now: float) -> ReleaseRequests:
        """Cache the item's requests, preparing them again only when the item changed."""
        key = (item.id, tr.language)
        cached = self._requests.get(key)
        if cached is not None and cached.item == item:
            cached.checked_at = now
            return cached
        requests = prepare_requests(item, tr, now, paid_broadcast=self._settings.paid_broadcast)
        self._requests[key] = requests
        return requests

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
        async with self._flushing:
            if not self._outcomes:
                return
            batch, self._outcomes = self._outcomes, []
            try:
                await self._database.outbox.record(batch, self._clock())
            except (sqlite3.Error, OSError):
                # Keep them in flight and try again at the next flush: never claimed twice.
                logger.exception("could not record %d delivery outcomes; will retry", len(batch))
                self._outcomes[:0] = batch
                return
            for outcome in batch:
                self._in_flight.discard(outcome.delivery_id)
            if self._due_again:
                # Telegram is back: what failed while it was away goes now, not after its backoff.
                due_again, self._due_again = self._due_again, set()
                try:
                    await self._database.outbox.make_due(
                        sorted(due_again), self._clock().timestamp()
                    )
                except (sqlite3.Error, OSError):
                    logger.exception("could not make %d deliveries due again", len(due_again))
        if any(o.status is DeliveryStatus.PENDING for o in batch):
            self._wake.set()
