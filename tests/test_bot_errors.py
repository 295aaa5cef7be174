"""When a handler fails: one reply to the reader, true to what happened, and one log record.

A database another connection holds locked (past SQLite's busy timeout) or a full disk gets
"busy"; any other failure "Sorry"; either way the command's own answer does not follow. An
apology Telegram refuses is one log line, not a second traceback. Against the fake Bot API,
on a real SQLite file that a second connection locks or refuses writes to.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import USER, RunningBot
from pressbot.storage.write_blocked import cannot_write_now

BUSY = "The bot is busy right now. Please try again in a minute."
SORRY = "Sorry, something went wrong. Please try again in a minute."
#: SQLite's busy timeout (storage/connection.py) is 5 s; a locked write fails after it.
BUSY_WAIT = 20.0
OTHER = USER + 1


@contextlib.contextmanager
def locked(db_path: Path) -> Iterator[None]:
    """Another connection holds a write transaction on the file: nobody else can write."""
    with contextlib.closing(sqlite3.connect(db_path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")


def refuse_languages_for(db_path: Path, chat_id: int) -> None:
    """Make every write of this chat's language fail, as a fault the bot did not expect."""
    with contextlib.closing(sqlite3.connect(db_path, isolation_level=None)) as db:
        db.execute(
            f"CREATE TRIGGER refuse_{chat_id} BEFORE INSERT ON chat_languages"
            f" WHEN NEW.chat_id = {chat_id} BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )


def db_path_of(bot: RunningBot) -> Path:
    return Path(bot.application.bot_data.ready().settings.db_path)


def texts(bot: RunningBot, chat_id: int) -> list[str]:
    return [message.text or "" for message in bot.fake.messages(chat_id)]


async def test_a_locked_database_gets_one_busy_reply_and_no_answer_after_it(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    with locked(db_path_of(bot)):
        bot.fake.user_sends("/latest")  # a new chat: its language must be stored first
        await bot.fake.wait_for_messages(USER, 1, timeout=BUSY_WAIT)
    # The reader after it is answered; /latest's answer would have come before (in order).
    await bot.say("/help", chat_id=OTHER, user_id=OTHER)
    assert texts(bot, USER) == [BUSY]
    busy = [r for r in caplog.records if "cannot be written now" in r.getMessage()]
    assert len(busy) == 1 and busy[0].levelno == logging.WARNING and busy[0].exc_info is None
    bot.mark_seen(USER)
    [reply] = await bot.say("/latest")  # once the lock is gone, the same command works
    assert reply.text.startswith("Latest (")


async def test_a_write_to_a_locked_database_in_a_command_gets_busy_and_stores_nothing(
    bot: RunningBot,
) -> None:
    await bot.say("/help")  # the chat's language is known: only /start writes
    with locked(db_path_of(bot)):
        bot.fake.user_sends("/start")
        await bot.fake.wait_for_messages(USER, 2, timeout=BUSY_WAIT)
    await bot.say("/help", chat_id=OTHER, user_id=OTHER)
    assert texts(bot, USER)[1:] == [BUSY]
    assert await bot.database.subscribers.count_active() == 0


async def test_a_failing_handler_gets_sorry_and_not_the_commands_answer_after_it(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    refuse_languages_for(db_path_of(bot), USER)
    bot.fake.user_sends("/latest")
    await bot.fake.wait_for_messages(USER, 1)
    await bot.say("/help", chat_id=OTHER, user_id=OTHER)
    assert texts(bot, USER) == [SORRY]
    [failure] = [r for r in caplog.records if r.getMessage() == "error while handling an update"]
    assert failure.levelno == logging.ERROR and failure.exc_info is not None  # in full


async def test_an_apology_telegram_refuses_is_one_log_line_not_a_second_traceback(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    gone = 5005  # a chat Telegram no longer knows: every request naming it fails
    refuse_languages_for(db_path_of(bot), gone)
    bot.fake.user_sends("/latest", user_id=gone)
    bot.fake.unknown_chat(gone)
    await bot.say("/help", chat_id=OTHER, user_id=OTHER)  # handled after it, in order
    refused = [r for r in caplog.records if "could not tell chat" in r.getMessage()]
    assert [r.getMessage() for r in refused] == [
        f"could not tell chat {gone} about the error: BadRequest: Chat not found"
    ]
    assert refused[0].exc_info is None
    assert "uncaught error was raised while handling the error" not in caplog.text
    assert caplog.text.count("Traceback (most recent call last)") <= 1  # the handler's own
    assert sum(r.exc_info is not None for r in caplog.records) == 1


def test_a_full_disk_and_a_lock_are_busy_and_other_errors_are_not(tmp_path: Path) -> None:
    path = tmp_path / "full.sqlite3"
    with contextlib.closing(sqlite3.connect(path, isolation_level=None, timeout=0.1)) as db:
        db.execute("CREATE TABLE t (x BLOB)")
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")  # the disk as good as full
        with pytest.raises(sqlite3.OperationalError) as full:
            db.execute("INSERT INTO t VALUES (randomblob(100000))")
        with pytest.raises(sqlite3.OperationalError) as missing:
            db.execute("SELECT * FROM nothing_here")
        with locked(path), pytest.raises(sqlite3.OperationalError) as busy:
            db.execute("INSERT INTO t VALUES (1)")
    assert cannot_write_now(full.value) and cannot_write_now(busy.value)
    assert not cannot_write_now(missing.value)
    assert not cannot_write_now(sqlite3.IntegrityError("refused"))
    assert not cannot_write_now(None)
