"""Updates that go wrong: types the bot does not handle, one PTB cannot decode, polling errors.

The bot asks Telegram only for the update types its handlers take (updates.ALLOWED_UPDATES);
an update python-telegram-bot cannot decode is skipped, logged once without its content and
counted; polling errors are waited out, not retried in a busy loop; SIGTERM exits 0 after any
of it. Against the fake Bot API, in this process and as a real `pressbot run`.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from telegram import Chat, Message, MessageEntity, Update, User
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
)

from fakes import FakeBotApi
from harness import TOKEN, USER, RunningBot
from pressbot.bot.context import PressApplication
from pressbot.bot.handlers.screening import acted_on
from pressbot.bot.updates import ALLOWED_UPDATES, decode_update, is_skipped, readable_updates
from pressbot.server.telemetry import telemetry_of
from pressbot.storage import Database
from pressbot.storage.updates_seen import UpdatesSeenStore
from test_cli import pressbot_env

#: What the undecodable poll carries; it must never reach the log.
POLL_CONTENT = "Which cover?"
#: Message types a handler may take that need an opt-in this bot does not make: business
#: messages come only to a bot connected to a business account, guest messages to one in
#: guest mode.
OPT_IN_MESSAGE_TYPES = frozenset({"business_message", "edited_business_message", "guest_message"})
MESSAGE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    *sorted(OPT_IN_MESSAGE_TYPES & set(Update.ALL_TYPES)),
)


# -- which updates ------------------------------------------------------------------------------


def probe(kind: str, text: str, application: PressApplication) -> Update:
    """An update of this message type with this text (a command gets its entity)."""
    channel = kind in ("channel_post", "edited_channel_post")
    chat = Chat(-1001234567890, Chat.CHANNEL) if channel else Chat(USER, Chat.PRIVATE)
    entities = []
    if text.startswith("/"):
        entities = [MessageEntity(MessageEntity.BOT_COMMAND, 0, len(text.split(maxsplit=1)[0]))]
    message = Message(
        1,
        datetime(2024, 1, 1, tzinfo=UTC),
        chat,
        from_user=None if channel else User(USER, False, "Anna"),
        text=text,
        entities=entities,
    )
    message.set_bot(application.bot)
    return Update(1, **{kind: message})


def handled_types(application: PressApplication, *, screened: bool = True) -> set[str]:
    """The update types some handler (not a TypeHandler, which sees them all) takes; with
    `screened`, of those the screen (handlers/screening.py) lets through to the handlers."""
    needed: set[str] = set()
    commands = {command for handlers in application.handlers.values() for h in handlers
                if isinstance(h, CommandHandler) for command in h.commands}  # fmt: skip
    texts = ["hello", "/read_5", "/nonsense", "/start read_5", *(f"/{c}" for c in commands)]
    for handlers in application.handlers.values():
        for handler in handlers:
            if isinstance(handler, TypeHandler):
                continue
            if isinstance(handler, CallbackQueryHandler):
                needed.add("callback_query")
            elif isinstance(handler, InlineQueryHandler):
                needed.add("inline_query")
            elif isinstance(handler, ChatMemberHandler):
                if handler.chat_member_types in (handler.MY_CHAT_MEMBER, handler.ANY_CHAT_MEMBER):
                    needed.add("my_chat_member")
                if handler.chat_member_types in (handler.CHAT_MEMBER, handler.ANY_CHAT_MEMBER):
                    needed.add("chat_member")
            elif isinstance(handler, CommandHandler | MessageHandler):
                for kind in MESSAGE_TYPES:
                    probes = [probe(kind, t, application) for t in texts]
                    taken = [p for p in probes if handler.check_update(p)]
                    if any(acted_on(p) or not screened for p in taken):
                        needed.add(kind)
            else:
                raise AssertionError(f"{handler!r}: say here which update types it takes")
    return needed


async def test_the_bot_asks_for_exactly_the_update_types_its_handlers_take(
    bot: RunningBot,
) -> None:
    needed = handled_types(bot.application)
    assert needed == set(ALLOWED_UPDATES)
    assert {"message", "callback_query", "inline_query", "my_chat_member"} <= needed
    assert len(ALLOWED_UPDATES) == len(set(ALLOWED_UPDATES))
    # PTB's handlers would take edited messages and channel posts: an edited command would run
    # again, /read_<id> in a channel post the item there. Not asked for, and screened out.
    unscreened = handled_types(bot.application, screened=False) - OPT_IN_MESSAGE_TYPES
    acted_not = {"edited_message", "channel_post", "edited_channel_post"}
    assert acted_not <= unscreened and not acted_not & set(ALLOWED_UPDATES)

    [welcome] = await bot.say("/start")  # it polls
    assert "You are subscribed" in welcome.text
    polls = [call for call in bot.fake.calls if call.method == "getUpdates"]
    assert polls and all(c.params["allowed_updates"] == list(ALLOWED_UPDATES) for c in polls)


async def test_an_update_type_it_does_not_handle_never_reaches_it(bot: RunningBot) -> None:
    await bot.say("/help")
    bot.fake.push_undecodable_update("poll")  # a poll update: not asked for
    [reply] = await bot.say("/help")
    assert "/subscribe" in reply.text
    assert bot.fake.pending_updates == []  # Telegram dropped the poll, unsent
    delivered = [
        update
        for call in bot.fake.calls
        if call.method == "getUpdates" and call.response is not None
        for update in call.response.get("result") or []
    ]
    assert delivered and not [update for update in delivered if "poll" in update]


# -- an update PTB cannot decode ----------------------------------------------------------------


async def test_an_undecodable_update_is_skipped_logged_once_and_counted(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await bot.say("/help")
    polls_before = sum(call.method == "getUpdates" for call in bot.fake.calls)
    started = time.monotonic()
    undecodable = bot.fake.push_undecodable_update("message")  # what a newer Telegram sends
    [reply] = await bot.say("/help")  # the update after it is handled
    assert "/subscribe" in reply.text
    await asyncio.sleep(0)
    polls = sum(call.method == "getUpdates" for call in bot.fake.calls) - polls_before
    assert polls < 10, f"{polls} getUpdates calls in {time.monotonic() - started:.1f} s"
    assert bot.fake.pending_updates == []  # the offset moved past it

    skipped = [r for r in caplog.records if "skipped update" in r.getMessage()]
    assert len(skipped) == 1, [r.getMessage() for r in skipped]
    assert skipped[0].levelno == logging.WARNING
    assert f"update {undecodable['update_id']} of type message" in skipped[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert POLL_CONTENT not in caplog.text
    metrics = telemetry_of(bot.application).metrics
    assert _sample(metrics.registry, "pressbot_updates_undecodable_total", type="message") == 1
    # Counted as skipped, not as handled: two /help messages and the first /help.
    assert _sample(metrics.registry, "pressbot_updates_total", type="message") == 2


def _sample(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


def test_decoding_stands_in_for_each_update_it_cannot_read() -> None:
    skipped: list[str] = []
    good = {"update_id": 7, "callback_query": {"id": "1", "from": _user(), "chat_instance": "c"}}
    broken = {"update_id": 8, "message": {"message_id": 1, "text": POLL_CONTENT}}
    result = readable_updates([good, broken, {"no": "id"}], skipped.append)
    assert result == [good, {"update_id": 8}]
    assert skipped == ["message"]
    assert not is_skipped(decode_update(good, None, None))
    stand_in = decode_update(broken, None, None)
    assert stand_in.update_id == 8 and is_skipped(stand_in)
    assert readable_updates(True, None) is True  # not a list: for PTB to judge


def _user() -> dict[str, object]:
    return {"id": USER, "is_bot": False, "first_name": "Anna"}


def _message(**fields: object) -> dict[str, object]:
    chat = {"id": USER, "type": "private", "first_name": "Anna"}
    return {"message_id": 1, "date": 1_539_850_000, "chat": chat, "from": _user(), **fields}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"message": {"message_id": 1, "date": 1_539_850_000, "text": "/start"}}, "chat"),
        ({"message": _message(chat={"id": "1001", "type": "private"})}, "chat.id"),
        ({"message": _message(text=["/start"])}, "text"),
        (
            {"message": _message(entities=[{"type": "url", "offset": "0", "length": 1}])},
            "entities",
        ),
        ({"message": _message(reply_to_message=_message(chat=None))}, "reply_to_message.chat"),
        (
            {"callback_query": {"id": "1", "from": _user(), "chat_instance": "c", "data": 5}},
            "data",
        ),
        ({"message": _message(date=10**20)}, None),  # PTB raises: OverflowError
    ],
)
def test_an_update_with_a_field_missing_or_of_the_wrong_type_is_skipped(
    data: dict[str, object], field: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    skipped: list[str] = []
    update = {"update_id": 8, **data}
    assert readable_updates([update], skipped.append) == [{"update_id": 8}]
    assert skipped == [next(iter(data))]
    if field is not None:  # the log names the field, never its value
        assert f".{field}" in caplog.records[-1].getMessage()
    assert "/start" not in caplog.text and "1001'" not in caplog.text


def test_a_valid_update_is_not_skipped() -> None:
    entities = [{"type": "bot_command", "offset": 0, "length": 6}]
    reply = _message(text="earlier")
    update = {
        "update_id": 9,
        "message": _message(text="/start", entities=entities, reply_to_message=reply),
    }
    assert readable_updates([update], None) == [update]


async def test_a_polled_message_without_a_chat_is_skipped_and_the_next_one_answered(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    for spoil in ("chat", "chat.id"):
        message = bot.fake.user_message("/start")
        if spoil == "chat":
            del message["chat"]
        else:
            message["chat"]["id"] = "1001"
        bot.fake.push_update("message", message)
        [reply] = await bot.say("/help", chat_id=USER + 1, user_id=USER + 1)
        assert "/subscribe" in reply.text
    assert bot.fake.messages(USER) == []  # neither /start was answered, nor an apology sent
    assert "error while handling an update" not in caplog.text
    metrics = telemetry_of(bot.application).metrics
    assert _sample(metrics.registry, "pressbot_updates_undecodable_total", type="message") == 2


# -- polling errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [502, 409])
async def test_polling_waits_between_failing_calls_and_logs_one_line_each(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    caplog.set_level(logging.WARNING)
    await bot.say("/help")
    before = len(bot.fake.calls)
    bot.fake.fail_for("getUpdates", status, 3.0)

    def polling_failed() -> bool:
        calls = bot.fake.calls[before:]
        return any(c.method == "getUpdates" and c.status >= 400 for c in calls)

    # The long poll under way when the fault began ends first: send once polling fails.
    await bot.fake.wait_until(polling_failed, timeout=5)
    [reply] = await bot.say("/help", chat_id=USER)  # answered once polling works again
    assert "/subscribe" in reply.text
    failed = [c for c in bot.fake.calls[before:] if c.method == "getUpdates" and c.status >= 400]
    assert 1 <= len(failed) < 10, len(failed)  # 1 s, 1.5 s, 2.25 s ... apart, not thousands
    lines = [r for r in caplog.records if "getUpdates failed" in r.getMessage()]
    assert len(lines) == len(failed)
    assert all(r.exc_info is None and r.levelno == logging.WARNING for r in lines)


async def test_polling_survives_an_outage_without_a_busy_loop(bot: RunningBot) -> None:
    await bot.say("/help")
    before = len(bot.fake.calls)
    bot.fake.outage(2.0)  # connections dropped: network errors
    await bot.fake.wait_until(lambda: not bot.fake.in_outage, timeout=5)
    [reply] = await bot.say("/help")
    assert "/subscribe" in reply.text
    during = [c for c in bot.fake.calls[before:] if c.method == "getUpdates" and c.status == 0]
    assert 1 <= len(during) < 10, len(during)


# -- a real process -----------------------------------------------------------------------------


async def test_the_process_skips_the_update_does_not_busy_loop_and_exits_0(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pressbot", "run",
        cwd=tmp_path,
        env=pressbot_env(tmp_path, BOT_TOKEN=TOKEN, API_BASE_URL=fake_api.base_url),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake_api.wait_until(
            lambda: any(c.method == "getUpdates" for c in fake_api.calls), timeout=30
        )
        undecodable = fake_api.push_undecodable_update("message")
        fake_api.user_sends("/help")
        started = time.monotonic()
        [reply] = await fake_api.wait_for_messages(USER, 1, timeout=30)
        assert "/subscribe" in reply.text
        window_start = len(fake_api.calls)
        await fake_api.wait_until(lambda: time.monotonic() - started > 3, timeout=10)
        polls = sum(c.method == "getUpdates" for c in fake_api.calls[window_start:])
        assert polls < 20, f"{polls} getUpdates calls in 3 s"
        fake_api.outage(1.0)  # and a network error or two before the signal
        await fake_api.wait_until(lambda: not fake_api.in_outage, timeout=5)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _, err = await asyncio.wait_for(process.communicate(), timeout=60)
        except TimeoutError:
            process.kill()
            _, err = await process.communicate()
    log = err.decode()
    assert process.returncode == 0, log
    assert log.count("skipped update") == 1, log
    assert f"skipped update {undecodable['update_id']} of type message" in log
    assert POLL_CONTENT not in log and "CRITICAL" not in log and "Traceback" not in log, log
    assert TOKEN not in log


# -- the webhook's memory of update ids ---------------------------------------------------------


async def test_an_update_id_is_new_only_the_first_time(database: Database) -> None:
    store = database.updates_seen
    assert await store.first_time(41, 1.0)
    assert not await store.first_time(41, 2.0)
    assert await store.first_time(42, 2.0)
    assert await store.count() == 2


async def test_only_the_newest_ids_are_kept(database: Database) -> None:
    store = UpdatesSeenStore(database.connection, keep=3, trim_every=2)
    for update_id in range(1, 11):
        assert await store.first_time(update_id, float(update_id))
    assert await store.count() <= 4  # trimmed to 3 now and then
    assert not await store.first_time(10, 11.0)  # the newest are remembered
    assert await store.first_time(1, 12.0)  # the oldest were forgotten
