"""Any text to every command, any data to every button, any inline query: the bot answers.

Each test starts one bot (the real Application on a real database, against the fake Bot API)
and hypothesis sends it many inputs in turn; the bot is shared on purpose, so the health check
against function-scoped fixtures is off. After each input a second user's inline query goes to
the bot: updates are handled one at a time, so once that is answered the bot is done with the
input, and what it sent, requested and logged meanwhile is the input's doing. Per input: an
answer (a message to a command or a text, answerCallbackQuery to a button, answerInlineQuery
to an inline query), no apology, no ERROR logged, no request the fake refused.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fakes import FakeBotApi, SentMessage
from fakes.models import ApiCall
from harness import USER, RunningBot, TickingClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.bot.handlers.digest import DIGEST_CALLBACK_PREFIX
from pressbot.core.kinds import BUILT_IN_KINDS
from pressbot.core.languages import LANGUAGES
from pressbot.core.models import Draft, DraftStage
from pressbot.core.quiet import ZONES
from pressbot.core.team import Role
from pressbot.ingest.texts import PUBLISH_PREFIX, SKIP_PREFIX
from pressbot.texts.approval import APPROVAL_PREFIX
from pressbot.texts.chat_settings import (
    LANGUAGE_CALLBACK_PREFIX,
    QUIET_CALLBACK_PREFIX,
    TOPIC_CALLBACK_PREFIX,
)
from pressbot.texts.commands import ADMIN_COMMANDS, READER_COMMANDS
from pressbot.texts.i18n import translator
from pressbot.texts.reader import LATEST_CALLBACK_PREFIX, READ_CALLBACK_PREFIX
from pressbot.texts.team import TEAM_CALLBACK_PREFIX
from pressbot.texts.waiting import MOVE_CALLBACK_PREFIX, UNDO_CALLBACK_PREFIX

ADMIN = 9001
WATCHER = 4242  # the user whose inline query marks the end of each input
BOT_NAME = "pressbot_test_bot"
MESSAGE_LIMIT = 4096  # what Telegram lets a user send, in UTF-16 code units
CALLBACK_LIMIT = 64  # bytes of callback data
APOLOGY = "Sorry, something went wrong. Please try again in a minute."
APOLOGIES = {translator(language)(APOLOGY) for language in LANGUAGES}
#: Telegram's answer to an edit that changes nothing, as a second tap on a button asks for:
#: expected, and handled by the bot; every other refusal counts.
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the"
    " same as a current content and reply markup of the message"
)
#: Commands the bot takes beyond its menus.
HIDDEN_COMMANDS = ("start", "stop", "done", "skip")
COMMANDS = tuple(c.name for c in READER_COMMANDS + ADMIN_COMMANDS) + HIDDEN_COMMANDS
ADMIN_ONLY = (*(c.name for c in ADMIN_COMMANDS), "done", "skip")

FUZZ = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,  # the same inputs every run, and no example database on disk
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# -- inputs ---------------------------------------------------------------------------------

MARKS = "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202e\u2066\u2067\u2069"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
#: Any character a user can type: no surrogates, no control characters but the line break.
TYPED = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], include_characters="\n")
UNICODE_DIGITS = st.characters(categories=["Nd", "No"])


def fit(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Cut `text` to at most `limit` UTF-16 code units (as a user's client would)."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


def fit_bytes(text: str, limit: int = CALLBACK_LIMIT) -> str:
    """Cut `text` to at most `limit` bytes of UTF-8 (callback data)."""
    return text.encode()[:limit].decode("utf-8", "ignore")


numbers = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.from_regex(r"[0-9]{19,40}", fullmatch=True),
    st.text(UNICODE_DIGITS, min_size=1, max_size=25),
    st.text(st.sampled_from(SUPERSCRIPTS), min_size=1, max_size=6),
    st.builds(
        lambda mark, n, before: f"{mark}{n}" if before else f"{n}{mark}",
        st.sampled_from(MARKS),
        st.integers(min_value=0, max_value=10**6),
        st.booleans(),
    ),
)
short_texts = st.text(st.one_of(TYPED, st.sampled_from(MARKS)), max_size=40)
#: Near Telegram's limit: a reply that echoes it must be cut or split, not refused.
long_texts = st.text(TYPED, min_size=4000, max_size=MESSAGE_LIMIT)
arguments = st.one_of(
    st.just(""),
    numbers,
    short_texts,
    long_texts,
    st.builds(lambda n, t: f"{n} {t}", numbers, short_texts),
)
#: What t.me/<bot>?start=<payload> carries, or anything typed after /start.
deep_link_payloads = st.one_of(
    st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True),
    numbers.map(lambda n: f"read_{n}"),
    arguments,
)
#: The cases each property tries on every run, whatever hypothesis draws besides.
NASTY = (
    "",
    "²",
    "١٢",
    "１",
    "⑫",
    "99999999999999999999",
    "-1",
    "0",
    "\u200f12",
    "12\u200b",
    "x" * 4090,
    "ё" * 4000,
    "😀" * 2040,
)


def command_texts(names: tuple[str, ...], argument: str) -> list[str]:
    """Each command with the argument, as a user would type it (also /cmd@bot), within
    Telegram's limit for a message."""
    texts = []
    for index, name in enumerate(names):
        command = f"/{name}@{BOT_NAME}" if index % 2 else f"/{name}"
        texts.append(fit(f"{command} {argument}" if argument else command))
    return texts


def plain_text(argument: str) -> str | None:
    """The argument sent as a message of its own: Telegram trims it, and sends none empty."""
    return fit(argument).strip() or None


_ids = st.one_of(numbers, st.integers(min_value=1, max_value=12).map(str))
#: For every button the bot makes (the test's bot has the built-in kinds only): its data's
#: prefix, and the values it carries after it, any number where it carries one.
BUTTONS: dict[str, st.SearchStrategy[str]] = {
    LATEST_CALLBACK_PREFIX: st.builds(lambda a, b: f"{a}:{b}", _ids, _ids),
    READ_CALLBACK_PREFIX: _ids,
    TOPIC_CALLBACK_PREFIX: st.sampled_from(BUILT_IN_KINDS),
    QUIET_CALLBACK_PREFIX: st.sampled_from(sorted(ZONES)),
    DIGEST_CALLBACK_PREFIX: st.sampled_from(sorted(ZONES)),
    LANGUAGE_CALLBACK_PREFIX: st.sampled_from(LANGUAGES),
    "kind": st.sampled_from(BUILT_IN_KINDS),
    "post": st.sampled_from(["confirm", "cancel", "publish", "schedule", "urgent"]),
    "withdraw": st.one_of(_ids, st.just("keep")),
    "unschedule": _ids,
    PUBLISH_PREFIX: _ids,
    SKIP_PREFIX: _ids,
    TEAM_CALLBACK_PREFIX: st.one_of(
        st.builds(lambda a: f"remove:{a}", _ids),
        st.builds(lambda a, b: f"role:{a}:{b}", _ids, st.sampled_from([*Role, "chief"])),
    ),
    APPROVAL_PREFIX: st.builds(
        lambda a, b: f"{a}:{b}", st.sampled_from(["approve", "changes", "reject", "reopen"]), _ids
    ),
    MOVE_CALLBACK_PREFIX: _ids,
    UNDO_CALLBACK_PREFIX: _ids,
}


#: The admin's draft before an input: none, or at each step of /post or /edit.
DRAFTS: tuple[Draft | None, ...] = (
    None,
    *(Draft(ADMIN, ADMIN, stage, None, "Title", "Text.", "event") for stage in DraftStage),
    Draft(ADMIN, ADMIN, DraftStage.TITLE, 1, "Title", "", "statement"),
    Draft(ADMIN, ADMIN, DraftStage.PREVIEW, 1, "Title", "Text.", "statement"),
)

# -- one input, and what came of it ---------------------------------------------------------


@dataclass
class Outcome:
    """What the bot did about one input."""

    messages: list[SentMessage]  # its new messages in the input's chat
    calls: list[ApiCall]  # every request it made meanwhile
    violations: list[str]  # requests that broke the Bot API's rules
    errors: list[logging.LogRecord]  # ERROR and worse
    result: Any  # what the action returned (a query id, for a press or an inline query)

    def problems(self) -> list[str]:
        """Everything wrong, one line each, naming the handler that failed."""
        found = [f"logged: {_where(record)}" for record in self.errors]
        found += [
            f"{call.method} refused: {call.status} {_description(call)}"
            for call in self.calls
            if call.status >= 400 and not _description(call).endswith(NOT_MODIFIED)
        ]
        found += [f"violation: {v}" for v in self.violations]
        found += [f"said: {m.text!r}" for m in self.messages if (m.text or "") in APOLOGIES]
        return found


def _description(call: ApiCall) -> str:
    return str((call.response or {}).get("description", ""))


def _where(record: logging.LogRecord) -> str:
    """The log message and the innermost frame of pressbot in its traceback."""
    text = record.getMessage()
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        frames = [
            f"{Path(f.filename).parent.name}/{Path(f.filename).name}:{f.lineno} {f.name}"
            for f in traceback.extract_tb(error.__traceback__)
            if "/pressbot/" in Path(f.filename).as_posix()
        ]
        handlers = [frame for frame in frames if frame.startswith("handlers/")]
        text += f" | {type(error).__name__}: {str(error)[:200]} in {handlers[-1:] + frames[-1:]}"
    return text


async def exchange(
    bot: RunningBot, chat_id: int, caplog: pytest.LogCaptureFixture, act: Callable[[], Any]
) -> Outcome:
    """Do `act` (queue an update), then wait until the bot has handled it."""
    fake = bot.fake
    messages, calls = len(fake.messages(chat_id)), len(fake.calls)
    violations, records = len(fake.violations), len(caplog.records)
    result = act()
    marker = fake.user_inline_query("", user_id=WATCHER)
    await fake.wait_until(lambda: marker in fake.answered_inline_queries, timeout=20)
    return Outcome(
        fake.messages(chat_id)[messages:],
        fake.calls[calls:],
        fake.violations[violations:],
        [r for r in caplog.records[records:] if r.levelno >= logging.ERROR],
        result,
    )


def check(outcome: Outcome, answered: bool, what: str) -> None:
    """Fail with every problem of the outcome, or when the input got no answer."""
    problems = outcome.problems()
    if not answered:
        problems.append("no answer")
    assert not problems, f"{what}: " + "; ".join(problems)


# -- the bots -------------------------------------------------------------------------------


@pytest.fixture
async def shared_bot(
    fake: FakeBotApi, clock: TickingClock, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """One bot, with one admin, for all of a test's examples (shared on purpose: they change
    its chats' settings and the admin's draft as they go, as a real chat's history would)."""
    running = make_bot(fake, tmp_path / "bot.sqlite3", clock, admin_ids=frozenset({ADMIN}))
    await start_bot(running.application)
    yield running
    await stop_bot(running.application)


@pytest.fixture(autouse=True)
def _capture_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)


# -- the properties -------------------------------------------------------------------------


@FUZZ
@given(argument=arguments, payload=deep_link_payloads)
@example(argument=NASTY[0], payload=NASTY[0])
@example(argument=NASTY[1], payload=f"read_{NASTY[1]}")
@example(argument=NASTY[2], payload=f"read_{NASTY[2]}")
@example(argument=NASTY[5], payload=f"read_{NASTY[5]}")
@example(argument=NASTY[8], payload=NASTY[4])
@example(argument=NASTY[10], payload=NASTY[11])
@example(argument=NASTY[12], payload=NASTY[9])
async def test_every_command_answers_a_reader_whatever_follows_it(
    shared_bot: RunningBot, caplog: pytest.LogCaptureFixture, argument: str, payload: str
) -> None:
    texts = command_texts(COMMANDS, argument)
    texts += [fit(f"/start {payload}"), fit(f"/read_{argument}")]
    texts += [text for text in [plain_text(argument)] if text]
    for text in texts:
        outcome = await exchange(
            shared_bot, USER, caplog, partial(shared_bot.fake.user_sends, text)
        )
        check(outcome, bool(outcome.messages), f"reader sent {text!r}")


@FUZZ
@given(argument=arguments, draft=st.sampled_from(DRAFTS))
@example(argument=NASTY[1], draft=None)
@example(argument=NASTY[5], draft=None)
@example(argument=NASTY[10], draft=DRAFTS[1])
@example(argument=NASTY[12], draft=DRAFTS[2])
@example(argument=NASTY[11], draft=DRAFTS[5])
async def test_every_command_answers_an_admin_at_every_step_of_a_draft(
    shared_bot: RunningBot, caplog: pytest.LogCaptureFixture, argument: str, draft: Draft | None
) -> None:
    texts = command_texts((*ADMIN_ONLY, "start", "read"), argument)
    texts += [text for text in [plain_text(argument)] if text]  # the draft's next piece
    for text in texts:
        await shared_bot.database.drafts.delete(ADMIN)
        if draft is not None:
            await shared_bot.database.drafts.save(draft, shared_bot.clock())
        send = partial(shared_bot.fake.user_sends, text, user_id=ADMIN)
        outcome = await exchange(shared_bot, ADMIN, caplog, send)
        check(outcome, bool(outcome.messages), f"admin, draft {draft}, sent {text!r}")


@FUZZ
@given(
    value=st.one_of(numbers, short_texts),
    formed=st.fixed_dictionaries(BUTTONS),
    user=st.sampled_from([USER, ADMIN]),
    draft=st.sampled_from(DRAFTS),
)
@example(value=NASTY[1], formed={}, user=ADMIN, draft=None)
@example(value=NASTY[5], formed={}, user=ADMIN, draft=DRAFTS[4])
@example(value="", formed={}, user=USER, draft=None)
async def test_every_button_answers_any_data(
    shared_bot: RunningBot,
    caplog: pytest.LogCaptureFixture,
    *,
    value: str,
    formed: dict[str, str],
    user: int,
    draft: Draft | None,
) -> None:
    presses = [f"{prefix}:{value}" for prefix in BUTTONS]  # any text after each prefix
    presses += [f"{prefix}:{formed_value}" for prefix, formed_value in formed.items()]
    presses.append(value)  # no prefix at all: a button the bot does not know
    for callback in dict.fromkeys(filter(None, map(fit_bytes, presses))):
        await shared_bot.database.drafts.delete(ADMIN)
        if draft is not None and user == ADMIN:
            await shared_bot.database.drafts.save(draft, shared_bot.clock())
        # A fresh message with buttons to press under, as the user has it in the chat.
        shared_bot.mark_seen(user)
        [*_, under] = await shared_bot.say("/latest 3", chat_id=user, user_id=user)
        press = partial(shared_bot.send_callback, under, callback, user_id=user)
        outcome = await exchange(shared_bot, user, caplog, press)
        answered = outcome.result in shared_bot.fake.answered_callbacks
        check(outcome, answered, f"user {user}, draft {draft}, pressed {callback!r}")


@settings(FUZZ, max_examples=60)  # each takes one exchange, not one per command
@given(
    query=st.one_of(short_texts, numbers, st.text(TYPED, min_size=200, max_size=256)),
    offset=st.one_of(st.just(""), numbers, short_texts),
)
@example(query="", offset="²")
@example(query="²", offset="99999999999999999999")
@example(query="\u200f", offset="١")
async def test_every_inline_query_gets_an_answer(
    shared_bot: RunningBot, caplog: pytest.LogCaptureFixture, query: str, offset: str
) -> None:
    ask = partial(shared_bot.fake.user_inline_query, query, offset=offset[:64])
    outcome = await exchange(shared_bot, USER, caplog, ask)
    answered = outcome.result in shared_bot.fake.answered_inline_queries
    check(outcome, answered, f"inline query {query!r} at offset {offset!r}")
