"""The admin's progress message: edited every few seconds while a broadcast runs."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut

from pressbot.core.models import BroadcastProgress
from pressbot.storage import Database
from pressbot.texts.i18n import Translator, kind_translators, pick_translator
from pressbot.texts.progress import Waiting, render_delivery_report, render_progress

logger = logging.getLogger(__name__)


@dataclass
class ProgressTracker:
    """What the reporter remembers between runs: when each broadcast was first seen."""

    first_seen: dict[int, tuple[float, int]] = field(default_factory=dict)
    #: The bot's words in each language (with the configured kinds).
    translators: Mapping[str, Translator] = field(default_factory=kind_translators)
    last_text: dict[int, str] = field(default_factory=dict)

    def pace(
        self, progress: BroadcastProgress, now: float, waiting: int
    ) -> tuple[float | None, float | None]:
        """Messages a second since first seen, and the seconds left at that rate for the
        `waiting` copies (those not held for quiet hours)."""
        start, done_then = self.first_seen.setdefault(progress.broadcast_id, (now, progress.done))
        if now <= start or progress.done <= done_then:
            return None, None
        rate = (progress.done - done_then) / (now - start)
        return rate, waiting / rate

    def forget(self, broadcast_id: int) -> None:
        """Drop a finished broadcast."""
        self.first_seen.pop(broadcast_id, None)
        self.last_text.pop(broadcast_id, None)


async def report_progress(
    bot: Bot,
    database: Database,
    tracker: ProgressTracker,
    monotonic: float,
    now: datetime,
    *,
    silent_since: datetime | None = None,
) -> None:
    """Send or edit each running broadcast's progress message; finish the completed ones.

    `silent_since`: since when Telegram has not answered the delivery engine, if it does not.
    """
    for progress in await database.outbox.open_broadcasts():
        item = await database.items.get(progress.item_id)
        chat = progress.progress_chat_id
        language = await database.languages.get(chat) if chat is not None else None
        tr = pick_translator(tracker.translators, language)
        title = item.title if item else tr("item {id}", id=progress.item_id)
        finished = progress.pending == 0
        in_digests = await database.digests.listing(progress.broadcast_id)
        if finished:
            took = (now - progress.created_at).total_seconds()
            text = render_delivery_report(progress, title, took, tr, in_digests)
        else:
            held, held_until = await database.outbox.held(progress.broadcast_id)
            waiting = Waiting(held, held_until, in_digests)
            rate, left = tracker.pace(progress, monotonic, progress.pending - held)
            text = render_progress(
                progress,
                title,
                rate,
                left,
                tr,
                now=now,
                silent_since=silent_since,
                waiting=waiting,
            )
        try:
            await _show(bot, database, progress, text, tracker)
        except TelegramError as error:
            logger.warning("progress of broadcast %d not shown: %s", progress.broadcast_id, error)
            if _transient(error):
                continue  # no answer from Telegram: the report is shown at the next run
            # The admin blocked the bot or deleted the message: delivery goes on regardless.
        # Not finished when copies were added meanwhile: reported again at the next run.
        if finished and await database.outbox.finish(progress.broadcast_id, progress.total, now):
            tracker.forget(progress.broadcast_id)


async def _show(
    bot: Bot,
    database: Database,
    progress: BroadcastProgress,
    text: str,
    tracker: ProgressTracker,
) -> None:
    if progress.progress_chat_id is None or tracker.last_text.get(progress.broadcast_id) == text:
        return
    if progress.progress_message_id is None:
        message = await bot.send_message(
            progress.progress_chat_id, text, parse_mode=ParseMode.HTML
        )
        await database.outbox.set_progress_message(progress.broadcast_id, message.message_id)
    else:
        await bot.edit_message_text(
            text,
            parse_mode=ParseMode.HTML,
            chat_id=progress.progress_chat_id,
            message_id=progress.progress_message_id,
        )
    tracker.last_text[progress.broadcast_id] = text


def _transient(error: TelegramError) -> bool:
    """Whether Telegram gave no answer (a network error, a time-out, flood control).

    BadRequest is a NetworkError too in python-telegram-bot, but it is Telegram's answer.
    """
    return isinstance(error, TimedOut | RetryAfter) or type(error) is NetworkError
