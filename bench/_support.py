"""What the benchmarks share: the fake Bot API in its own process, a big database."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pressbot.models import ItemKind, NewItem
from pressbot.rendering import html_to_plain, plain_text_to_html
from pressbot.storage import Database

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-token-not-secret"


@contextmanager
def fake_bot_api(*args: str) -> Iterator[str]:
    """Run tests/fakes as a separate process; yield its base URL."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    process = subprocess.Popen(
        [sys.executable, "-m", "fakes", "--port", "0", "--token", TOKEN, *args],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


WORDS = [
    "embassy",
    "statement",
    "minister",
    "question",
    "answer",
    "security",
    "cooperation",
    "sanctions",
    "treaty",
    "relations",
    "government",
    "meeting",
    "investigation",
    "evidence",
    "media",
    "british",
    "russian",
    "council",
    "summit",
    "consular",
    "visa",
    "citizens",
    "press",
    "officer",
    "comment",
    "reply",
    "foreign",
    "office",
    "policy",
]


def synthetic_items(count: int, seed: int = 1) -> Iterator[NewItem]:
    """Yield `count` items of realistic size, one a day going back from 2026."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for n in range(count):
        title = f"Embassy comment number {n} on " + " ".join(rng.choices(WORDS, k=8))
        body = "\n\n".join(
            "Question: " + " ".join(rng.choices(WORDS, k=40)) + "? Answer: "
            + " ".join(rng.choices(WORDS, k=80)) + "."
            for _ in range(3)
        )  # fmt: skip
        yield NewItem(
            uid=f"bench-{n}",
            kind=ItemKind.EVENT,
            title=title,
            body_html=plain_text_to_html(body),
            published_at=start - timedelta(hours=n),
            source="bench",
        )


async def fill(database: Database, count: int, batch: int = 2000) -> None:
    """Add `count` synthetic items in batches."""
    items = list(synthetic_items(count))
    now = datetime.now(UTC)
    for start in range(0, count, batch):
        chunk = items[start : start + batch]
        await database.items.add_many(chunk, [html_to_plain(i.body_html) for i in chunk], now)


def percentile(samples: list[float], fraction: float) -> float:
    """The value below which `fraction` of the samples lie."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(samples_ms: list[float]) -> str:
    """p50, p99 and max in milliseconds."""
    return (
        f"p50 {statistics.median(samples_ms):6.2f} ms  p99 {percentile(samples_ms, 0.99):6.2f} ms"
        f"  max {max(samples_ms):6.2f} ms"
    )
