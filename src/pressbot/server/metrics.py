"""What /metrics counts, in Prometheus' text format, in a registry of the application's own.

A registry per application rather than prometheus-client's global default: tests build many
applications in one process, and each must count only its own.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector
from telegram import Update

from pressbot.delivery.outcomes import Decision, Verdict

# Sends take tens of milliseconds when Telegram is well, seconds with retries in the pool.
_LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# A wait for a 429, a group that moved or a network error: the same message goes out again.
_AGAIN = frozenset({Verdict.RETRY, Verdict.FLOOD, Verdict.MIGRATED, Verdict.REBUILD})


class StoredCounter(Collector):
    """A counter the database keeps, so it stays true across restarts: its value is set from
    SQLite at each scrape. Not shown until it has been read once: a 0 standing in for a count
    not yet known would look like a reset, and the count after it like new reads."""

    def __init__(self, name: str, documentation: str, registry: CollectorRegistry) -> None:
        self._name, self._documentation = name, documentation
        self._value: float | None = None
        registry.register(self)

    def set(self, value: float) -> None:
        """The count as the database has it now."""
        self._value = value

    def describe(self) -> Iterator[Metric]:
        """The family's name, for the registry's check against duplicates."""
        yield CounterMetricFamily(self._name, self._documentation)

    def collect(self) -> Iterator[Metric]:
        """The counter, once known."""
        if self._value is not None:
            yield CounterMetricFamily(self._name, self._documentation, value=self._value)


class Metrics:
    """The counters, gauges and histogram of one running bot."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.updates = Counter(
            "pressbot_updates", "Updates handled, by type.", ["type"], registry=registry
        )
        self.sent = Counter(
            "pressbot_messages_sent", "Broadcast messages Telegram accepted.", registry=registry
        )
        self.failed = Counter(
            "pressbot_messages_failed",
            "Broadcast messages given up on, by reason (blocked: the chat refuses the bot).",
            ["reason"],
            registry=registry,
        )
        # Shown as 0 from the start, rather than only once the first one happens.
        for reason in ("blocked", "error"):
            self.failed.labels(reason=reason)
        self.retried = Counter(
            "pressbot_messages_retried",
            "Broadcast messages put back to be sent again (network errors, 5xx, 429).",
            registry=registry,
        )
        self.undecodable = Counter(
            "pressbot_updates_undecodable",
            "Updates skipped because python-telegram-bot cannot decode them, by type.",
            ["type"],
            registry=registry,
        )
        self.flood_waits = Counter(
            "pressbot_telegram_429", "Bot API answers 429 Too Many Requests.", registry=registry
        )
        self.outbox_depth = Gauge(
            "pressbot_outbox_depth", "Deliveries waiting to be sent.", registry=registry
        )
        self.subscribers_active = Gauge(
            "pressbot_subscribers_active", "Chats that get new releases.", registry=registry
        )
        self.reads = StoredCounter(
            "pressbot_reads",
            "First reads of items: a chat opening an item in full, once per chat and item.",
            registry,
        )
        self.delivery_latency = Histogram(
            "pressbot_delivery_seconds",
            "Seconds one broadcast call to the Bot API took, waiting for a connection included.",
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )

    def count_update(self, update: Update) -> None:
        """Count one incoming update under its type (message, callback_query ...)."""
        kind = next((name for name in Update.ALL_TYPES if getattr(update, name, None)), None)
        if kind is not None:  # None: the stand-in of one skipped (counted as undecodable)
            self.updates.labels(type=kind).inc()

    def count_undecodable(self, kind: str) -> None:
        """Count one update skipped because it could not be decoded, under its type."""
        self.undecodable.labels(type=kind).inc()

    def count_decision(self, decision: Decision) -> None:
        """Count what became of one broadcast message the engine tried to send."""
        verdict = decision.verdict
        if verdict is Verdict.SENT:
            self.sent.inc()
        elif verdict in _AGAIN:
            self.retried.inc()
        elif verdict is Verdict.BLOCKED:
            self.failed.labels(reason="blocked").inc()
        elif verdict is Verdict.FAILED:
            self.failed.labels(reason="error").inc()

    def render(self, accept: str) -> tuple[bytes, str]:
        """Everything, in the format the scraper's Accept header asks for; and its type.

        Without an Accept header: Prometheus' text format 0.0.4, which every version reads.
        """
        encoder, content_type = choose_encoder(accept)
        return encoder(self.registry), content_type
