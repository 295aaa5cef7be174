"""The engine's outcomes on their way to disk, and the deliveries in flight until they are.

A delivery claimed from the outbox stays "in flight" here until its outcome is written, so this
process never claims it twice; outcomes are written in batches, and a batch that could not be
written (the database busy, the disk full) is kept and tried again at the next flush.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from pressbot.core.clock import Clock
from pressbot.core.models import DeliveryStatus
from pressbot.storage.deliveries import DeliveryOutcome, DeliveryStore

logger = logging.getLogger(__name__)


class OutcomeRecorder:
    """The outcomes not yet on disk, and the deliveries whose outcome that is."""

    def __init__(self, deliveries: DeliveryStore, clock: Clock, batch: int) -> None:
        self._deliveries = deliveries
        self._clock = clock
        self._batch = batch
        self._in_flight: set[int] = set()
        self._outcomes: list[DeliveryOutcome] = []
        self._due_again: set[int] = set()  # failed during an outage that is over: due now
        self._flushing = asyncio.Lock()

    def __len__(self) -> int:
        """Deliveries claimed whose outcome is not yet on disk."""
        return len(self._in_flight)

    def __contains__(self, delivery_id: int) -> bool:
        return delivery_id in self._in_flight

    def claim(self, delivery_id: int) -> None:
        """The delivery is being dealt with: not to be claimed again until recorded."""
        self._in_flight.add(delivery_id)

    def add(self, outcome: DeliveryOutcome) -> bool:
        """Keep an outcome for the next flush; True when a batch is full, to flush now."""
        self._outcomes.append(outcome)
        return len(self._outcomes) >= self._batch

    def due_again(self, delivery_ids: set[int]) -> None:
        """Make these pending deliveries due at the next flush (Telegram answers again)."""
        self._due_again |= delivery_ids

    async def flush(self) -> bool:
        """Write what is kept; True when some delivery went back to pending (look again)."""
        async with self._flushing:
            if not self._outcomes:
                return False
            batch, self._outcomes = self._outcomes, []
            try:
                await self._deliveries.record(batch, self._clock())
            except (sqlite3.Error, OSError):
                # Keep them in flight and try again at the next flush: never claimed twice.
                logger.exception("could not record %d delivery outcomes; will retry", len(batch))
                self._outcomes[:0] = batch
                return False
            for outcome in batch:
                self._in_flight.discard(outcome.delivery_id)
            if self._due_again:
                # Telegram is back: what failed while it was away goes now, not after its backoff.
                due_again, self._due_again = self._due_again, set()
                try:
                    await self._deliveries.make_due(sorted(due_again), self._clock().timestamp())
                except (sqlite3.Error, OSError):
                    logger.exception("could not make %d deliveries due again", len(due_again))
        return any(o.status is DeliveryStatus.PENDING for o in batch)
