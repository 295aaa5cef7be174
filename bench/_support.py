"""What the benchmarks share: the fake Bot API in its own process, a big database."""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from pressbot.config import Settings
from pressbot.core.models import Draft, ItemKind, NewItem
from pressbot.delivery.engine import DeliveryEngine
from pressbot.publishing import publish_draft
from pressbot.storage import Database
from pressbot.texts.markup import plain_text_to_html

ROOT = Path(__file__).resolve().parents[1]
# tests/lifecycle.py starts and stops the Application as `pressbot run` does, for the tests and for
# the benchmarks, which import it only in the process that runs the bot.
sys.path.insert(0, str(ROOT / "tests"))

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


# Words of Russian releases, each in several of its forms, as a text has them.
_RUSSIAN_TEXT = (
    "посольство посольства посольству посольством заявление заявления заявлением министр"
    " министра министру министерство министерства вопрос вопроса вопросы вопросов ответ ответа"
    " ответы безопасность безопасности сотрудничество сотрудничества санкции санкций санкциях"
    " санкциями договор договора договору договоров отношения отношений правительство"
    " правительства встреча встречи встрече расследование расследования доказательства"
    " доказательств британский британского британской российский российского российских граждан"
    " гражданам консульский консульского визы виз комментарий комментария протест протеста"
    " протесты политика политики совет совета саммит саммита"
)
RUSSIAN_WORDS = _RUSSIAN_TEXT.split()


@dataclass(frozen=True)
class _Style:
    """How a language's synthetic items read: their words, labels, uids and first time."""

    words: list[str]
    title: str  # "{n}" the item's number
    question: str
    answer: str
    uid: str
    start: datetime


_STYLES = {
    "en": _Style(
        WORDS, "Embassy comment number {n} on ", "Question: ", "? Answer: ", "bench-{n}",
        datetime(2026, 11, 1, tzinfo=UTC),
    ),
    "ru": _Style(
        RUSSIAN_WORDS, "Комментарий посольства номер {n} о ", "Вопрос: ", "? Ответ: ",
        "bench-ru-{n}", datetime(2026, 11, 1, 0, 30, tzinfo=UTC),
    ),
}  # fmt: skip


def synthetic_items(count: int, seed: int = 1, language: str = "en") -> Iterator[NewItem]:
    """Yield `count` items of realistic size in `language` ("en" or "ru"), one an hour going
    back from 1 November 2026."""
    rng = random.Random(seed)
    style = _STYLES[language]
    words = style.words
    for n in range(count):
        title = style.title.format(n=n) + " ".join(rng.choices(words, k=8))
        body = "\n\n".join(
            style.question + " ".join(rng.choices(words, k=40)) + style.answer
            + " ".join(rng.choices(words, k=80)) + "."
            for _ in range(3)
        )  # fmt: skip
        yield NewItem(
            uid=style.uid.format(n=n),
            kind=ItemKind.EVENT,
            title=title,
            body_html=plain_text_to_html(body),
            published_at=style.start - timedelta(hours=n),
            source="bench",
            language=language,
        )


async def fill(database: Database, count: int, batch: int = 2000) -> None:
    """Add `count` synthetic items in batches."""
    items = list(synthetic_items(count))
    now = datetime.now(UTC)
    for start in range(0, count, batch):
        chunk = items[start : start + batch]
        await database.items.add_many(chunk, now)


async def broadcast_to(
    database: Database, engine: DeliveryEngine, ids: range, draft: Draft, published: datetime
) -> int:
    """Make `ids` the only active subscribers, publish the draft to them, wait until every
    outcome is on disk; return how many copies were sent."""
    async with database.connection.transaction() as db:
        await db.execute("UPDATE subscribers SET active = 0")
        await db.executemany(
            "INSERT INTO subscribers (chat_id, chat_type, active, subscribed_at,"
            " updated_at) VALUES (?, 'private', 1, '2026-11-28', '2026-11-28')",
            [(chat_id,) for chat_id in ids],
        )
    _, broadcast_id = await publish_draft(database, engine, draft, published)
    while await database.outbox.pending_count() or engine.in_flight:  # noqa: ASYNC110 - the state is in SQLite
        await asyncio.sleep(0.1)
    progress = await database.outbox.progress(broadcast_id)
    assert progress is not None
    return progress.sent


def bench_settings(base_url: str, folder: str, **overrides: Any) -> Settings:
    """The bot's settings for a benchmark: the fake Bot API at `base_url`, an empty database
    (no seed items: only the benchmark's own) in `folder`."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=SecretStr(TOKEN),
        api_base_url=base_url,
        db_path=Path(folder) / "bench.sqlite3",
        seed=False,
        **overrides,
    )


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


def only_child_pid() -> int | None:
    """The pid of this process's one child (the fake, before any variant starts), on Linux."""
    children: list[str] = []
    for task in Path("/proc/self/task").glob("*"):
        children += (task / "children").read_text().split()
    return int(children[0]) if len(children) == 1 else None


def process_cpu(pid: int | None) -> float:
    """CPU seconds (user+sys) that process ``pid`` has used so far; 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        # Fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends the name.
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fake_stats(base_url: str) -> dict[str, Any]:
    """The fake's counts: calls, statuses, 429s, violations."""
    stats_url = base_url.removesuffix("/bot") + "/_fake/stats"
    with urllib.request.urlopen(stats_url, timeout=30) as response:  # noqa: S310 - loopback
        stats: dict[str, Any] = json.load(response)
    return stats


# -- the parent: one child per variant, one table --------------------------------------------


def finish(missed: list[str]) -> None:
    """Say which goals were missed and exit 1, or that all were met."""
    for goal in missed:
        print(f"goal missed: {goal}")
    if missed:
        sys.exit(1)
    print("all goals met")
