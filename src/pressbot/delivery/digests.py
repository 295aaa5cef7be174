"""Daily digests: one message a day at the chat's HH:MM listing the releases since the last.

Chats with a digest are left out of each release's outbox (urgent releases excepted); a JobQueue
job calls `deliver_due_digests` every few seconds. Each chat's `since` moves on only once its
digest is sent (or found empty), so a crash or a failed send leaves the releases for the next
run, and a bot that was down for days sends one digest covering them, not one a day.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pressbot.core.languages import N_, TranslatableError
from pressbot.core.quiet import zone_named
from pressbot.core.reports import JoinReason
from pressbot.delivery.engine import DeliveryEngine
from pressbot.delivery.outcomes import Verdict
from pressbot.storage import Database
from pressbot.storage.digests import DigestChat
from pressbot.texts.i18n import Translator, pick_translator
from pressbot.texts.reader import render_digest

logger = logging.getLogger(__name__)

_TIME = re.compile(r"^\s*([0-9]{1,2})[:.]([0-9]{2})\s*$")


class DigestTimeError(TranslatableError):
    """A digest time that can't be used; the message says what to type."""


def parse_digest_time(text: str) -> time:
    """Read "08:00" (or "8.00") as a time of day."""
    match = _TIME.match(text)
    if match is None:
        raise DigestTimeError(N_("Send the time of your digest as “08:00”, or “off”."))
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23 or minutes > 59:
        raise DigestTimeError(N_("{time} is not a time of day."), time=text.strip())
    return time(hours, minutes)


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant the clocks of `zone` show `at` on `day`.

    A time skipped when clocks go forward falls an hour later by the new clock; a time that
    happens twice when they go back is its first occurrence.
    """
    return datetime.combine(day, at, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def latest_digest_time(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The last instant at or before `now` when the chat's clock showed `at`."""
    today = now.astimezone(zone).date()
    for days_back in range(3):
        candidate = local_instant(today - timedelta(days=days_back), at, zone)
        if candidate <= now:
            return candidate
    raise AssertionError("a time of day occurs at least once in three days")  # pragma: no cover


async def deliver_due_digests(
    database: Database,
    engine: DeliveryEngine,
    translators: Mapping[str, Translator],
    now: datetime,
) -> int:
    """Send every digest whose time has come, in each chat's language; return how many."""
    sent = 0
    for chat in await database.digests.chats():
        due = latest_digest_time(now, chat.at, zone_named(chat.zone))
        if due <= chat.since:
            continue
        headlines = await database.digests.headlines(chat.chat_id, chat.after, due, chat.language)
        if headlines:
            day = due.astimezone(zone_named(chat.zone)).date()
            messages = render_digest(headlines, day, pick_translator(translators, chat.language))
            verdict = await _send(database, engine, chat, messages, now)
            if verdict in (Verdict.RETRY, Verdict.FLOOD, Verdict.MIGRATED):
                continue  # the same digest at the next run (to the new chat id if migrated)
            sent += verdict is Verdict.SENT
        # An empty day sends nothing; a blocked or failed chat is not tried again.
        await database.digests.mark_sent(chat.chat_id, chat.after, due)
    return sent


async def _send(
    database: Database,
    engine: DeliveryEngine,
    chat: DigestChat,
    messages: Sequence[str],
    now: datetime,
) -> Verdict:
    """Send a digest's messages in order; the verdict of the first that could not be sent.

    A part after the first is retried here, after the wait Telegram or the backoff asks for,
    rather than at the next run: that would send the parts before it a second time.
    """
    for number, text in enumerate(messages):
        while True:  # a transient failure never loses the rest of a digest
            decision = await engine.send_text(chat.chat_id, text, chat.thread_id)
            transient = decision.verdict in (Verdict.RETRY, Verdict.FLOOD)
            if not transient or number == 0:
                break
            await asyncio.sleep(decision.wait)
        if decision.verdict is Verdict.BLOCKED:
            await database.subscribers.unsubscribe(chat.chat_id, now, JoinReason.BLOCKED)
        if decision.verdict is Verdict.MIGRATED and decision.new_chat_id is not None:
            await database.outbox.migrate_chat(chat.chat_id, decision.new_chat_id, now)
        if decision.verdict is not Verdict.SENT:
            logger.info("digest to %d: %s", chat.chat_id, decision.error or decision.verdict)
            # Once a part is out, the rest is not sent again at the next run with it.
            return decision.verdict if number == 0 else Verdict.FAILED
    return Verdict.SENT
