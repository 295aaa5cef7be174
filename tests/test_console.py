"""`pressbot console` as a newcomer and an admin use it: a real process on a pseudo-terminal."""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from pressbot.console.display import choices, format_message
from pressbot.console.styles import from_html, plain, text_of

TIMEOUT = 30


def console_env() -> dict[str, str]:
    """The environment without PRESSBOT_ variables: no token, no settings; and NO_COLOR, so
    that a test on a terminal reads the words (test_console_styles.py reads the styles)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PRESSBOT_")}
    return clean | {"NO_COLOR": "1"}


@pytest.fixture
def console(tmp_path: Path) -> Iterator[pexpect.spawn]:
    child = spawn_console(tmp_path)
    yield child
    child.close(force=True)


def spawn_console(tmp_path: Path, *options: str) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "pressbot", "console", "--db", "tmp/x.sqlite3", *options],
        cwd=str(tmp_path),
        env=console_env(),
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(50, 200),
    )
    child.expect_exact("/quit or Ctrl-D leaves.")
    return child


def quit_console(child: pexpect.spawn, *, ctrl_d: bool = False) -> None:
    if ctrl_d:
        child.sendeof()
    else:
        child.sendline("/quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before


def test_a_newcomer_reads_the_latest_pages_and_asks_the_time(
    console: pexpect.spawn, tmp_path: Path
) -> None:
    console.sendline("/latest")
    console.expect_exact("bot › Latest (1–10)")
    console.expect_exact("the ties between “Bellingcat” and secret services /read_11")
    console.expect_exact("[1] Older ›")

    console.sendline("1")
    console.expect_exact("you pressed [1] Older ›")
    # The page is edited in place, as in Telegram, with the oldest seed item.
    console.expect_exact("bot ✎ Latest (11–11)")
    console.expect_exact("Foreign Minister Sergey Lavrov’s statement")
    console.expect_exact("[1] ‹ Newer")

    console.sendline("/time")
    # Moscow's own date follows its time while it is already tomorrow there (21:00-24:00 London).
    moscow = r"Moscow: \d\d:\d\d(?: \(\d{1,2} \w+ \d{4}\))?"
    console.expect(rf"bot › \d{{1,2}} \w+ \d{{4}}\s+{moscow} · London: \d\d:\d\d")
    quit_console(console)

    with contextlib.closing(sqlite3.connect(tmp_path / "tmp" / "x.sqlite3")) as db:
        assert db.execute("SELECT count(*) FROM items").fetchone() == (11,)


def test_typing_a_number_without_such_a_button_says_which_there_are(
    console: pexpect.spawn,
) -> None:
    console.sendline("3")
    console.expect_exact("There are no buttons to press right now.")
    console.sendline("/latest 4")
    console.expect_exact("[1] Older ›")
    console.sendline("7")
    console.expect_exact("There is no button 7; the buttons now are 1.")
    quit_console(console, ctrl_d=True)


def test_an_admin_rehearses_a_post_to_the_preview_and_publishes_it(tmp_path: Path) -> None:
    child = spawn_console(tmp_path, "--admin")
    try:
        child.sendline("/start")
        child.expect_exact("You are subscribed")
        child.sendline("/post")
        child.expect_exact("Send its title.")
        child.sendline("Consular section: opening hours on 1 December")
        child.expect_exact("Now send the full text")
        child.sendline("The consular section is closed on 1 December. Urgent cases: call us.")
        child.expect_exact("Send more, or /done.")
        child.sendline("/done")
        child.expect(r"\[1\] Press release  \[2\] Statement  \[3\] Event")
        child.sendline("2")
        child.expect_exact("bot › Preview")
        child.expect_exact("Consular section: opening hours on 1 December")
        child.expect(r"\[1\] Publish  \[2\] Schedule  \[3\] Cancel  \[4\] Urgent: off")

        child.sendline("1")
        child.expect_exact("Published as /read_12")
        # The release goes out through the delivery engine, to the one subscriber: us.
        child.expect(r"bot › Consular section: opening hours on 1 December\s+\S+ · Statement")
        child.expect_exact("[1] Read in full")
        quit_console(child)
    finally:
        child.close(force=True)
    with contextlib.closing(sqlite3.connect(tmp_path / "tmp" / "x.sqlite3")) as db:
        assert db.execute("SELECT title, kind FROM items WHERE id = 12").fetchone() == (
            "Consular section: opening hours on 1 December",
            "statement",
        )


def test_a_second_console_on_the_same_file_is_refused(
    console: pexpect.spawn, tmp_path: Path
) -> None:
    second = pexpect.spawn(
        sys.executable,
        ["-m", "pressbot", "console", "--db", "tmp/x.sqlite3"],
        cwd=str(tmp_path),
        env=console_env(),
        encoding="utf-8",
        timeout=TIMEOUT,
    )
    second.expect(pexpect.EOF)
    second.close()
    assert second.exitstatus == 2
    assert "is running on tmp/x.sqlite3; stop it first" in (second.before or "")
    quit_console(console)


def test_lines_piped_in_wait_for_the_answer_before(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pressbot", "console", "--db", "x.sqlite3"],
        input="/latest 3\n1\n/read_1\n",
        capture_output=True,
        cwd=tmp_path,
        env=console_env(),
        encoding="utf-8",
        timeout=TIMEOUT * 2,
        check=True,
    )
    # The 1 pressed the button of the answer to /latest 3, which had come by then.
    assert "you pressed [1] Older ›\nbot ✎ Latest (4–6)" in done.stdout
    assert "bot › Foreign Minister Sergey Lavrov’s statement" in done.stdout
    assert "\x1b" not in done.stdout  # no terminal codes when the output is not a terminal
    assert done.stderr == ""


def test_html_becomes_the_text_a_reader_sees() -> None:
    html = '<b>Title</b> &amp; <a href="https://example.org/x">more</a>\n<i>1 &lt; 2</i>'
    assert text_of(from_html(html)) == "Title & more (https://example.org/x)\n1 < 2"
    assert text_of(from_html('<a href="https://t.me/x">https://t.me/x</a>')) == "https://t.me/x"


def test_buttons_are_numbered_row_by_row() -> None:
    markup = {
        "inline_keyboard": [
            [{"text": "Publish", "callback_data": "post:publish"}],
            [{"text": "Site", "url": "https://example.org"}],
        ]
    }
    buttons = choices(markup)
    assert [(b.number, b.label, b.callback_data, b.url) for b in buttons] == [
        (1, "Publish", "post:publish", None),
        (2, "Site", None, "https://example.org"),
    ]
    assert text_of(format_message("bot › ", plain("One\n\nTwo"), buttons)) == (
        "bot › One\n\n      Two\n      [1] Publish  [2] Site"
    )


def test_a_russian_telegram_is_answered_in_russian(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pressbot", "console", "--db", "x.sqlite3", "--language", "ru"],
        input="/time\n/latest 1\n",
        capture_output=True,
        cwd=tmp_path,
        env=console_env(),
        encoding="utf-8",
        timeout=TIMEOUT * 2,
        check=True,
    )
    assert "Москва: " in done.stdout and " · Лондон: " in done.stdout
    assert "bot › Последние материалы (1–1)" in done.stdout
    assert "[1] Старые ›" in done.stdout


def run_piped(tmp_path: Path, lines: str, *options: str) -> str:
    """A whole console session on x.sqlite3 with `lines` piped in; what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "pressbot", "console", "--db", "x.sqlite3", *options],
        input=lines,
        capture_output=True,
        cwd=tmp_path,
        env=console_env(),
        encoding="utf-8",
        timeout=TIMEOUT * 2,
        check=True,
    )
    return done.stdout


def test_the_language_flag_wins_over_the_one_the_file_keeps(tmp_path: Path) -> None:
    # The first session stores the chat's language: English, its Telegram's.
    assert "bot › Latest (1–1)" in run_piped(tmp_path, "/latest 1\n")
    with contextlib.closing(sqlite3.connect(tmp_path / "x.sqlite3")) as db:
        assert db.execute("SELECT language FROM chat_languages").fetchall() == [("en",)]
    russian = run_piped(tmp_path, "/latest 1\n/quiet\n", "--language", "ru")
    assert "bot › Последние материалы (1–1)" in russian
    assert "часовой пояс можно выбрать кнопками ниже.\n      [1] ✅ Лондон  [2] Москва" in russian
    # Without the flag the file's language stays, as /language would have left it.
    assert "bot › Последние материалы (1–1)" in run_piped(tmp_path, "/latest 1\n")
    english = run_piped(tmp_path, "/latest 1\n", "--language", "en")
    assert "bot › Latest (1–1)" in english


def test_a_failing_handler_keeps_its_log_out_of_the_chat_and_in_the_file(
    console: pexpect.spawn, tmp_path: Path
) -> None:
    shown = io.StringIO()
    console.logfile_read = shown
    db_path = tmp_path / "tmp" / "x.sqlite3"
    with contextlib.closing(sqlite3.connect(db_path, isolation_level=None)) as db:
        # A fault the bot does not expect: its database refuses the chat's first write.
        db.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON chat_languages"
            " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
    console.sendline("/latest")
    console.expect_exact("bot › Sorry, something went wrong. Please try again in a minute.")
    quit_console(console)
    # The chat shows what the bot said, never its log: no "log !" line, no traceback.
    assert "log !" not in shown.getvalue()
    assert "IntegrityError" not in shown.getvalue()
    assert "Traceback" not in shown.getvalue()
    log = (tmp_path / "tmp" / "x.sqlite3.log").read_text(encoding="utf-8")
    assert "ERROR pressbot.bot.errors: error while handling an update\nTraceback" in log
    assert "sqlite3.IntegrityError: refused by the test" in log
