"""The console reads cleanly: wrapped at the terminal's width under the indent; /sources true."""

from __future__ import annotations

import contextlib
import io
import re
import sqlite3
import sys
from pathlib import Path

import pexpect
from hypothesis import given
from hypothesis import strategies as st

from pressbot.console.display import INDENT, wrap_text
from pressbot.console.styles import columns, plain, render
from test_console import console_env, quit_console, run_piped, spawn_console

WIDTH = 60
_CLEAR = re.compile(r"\r?\x1b\[K")


def test_a_long_statement_on_a_narrow_terminal_breaks_at_spaces_under_the_indent(
    tmp_path: Path,
) -> None:
    child = spawn_console(tmp_path)
    child.setwinsize(50, WIDTH)
    shown = io.StringIO()
    child.logfile_read = shown
    child.sendline("/read_11")
    child.expect_exact("bot › ")
    child.expect_exact("\r\nyou › ")  # the prompt again, under the whole answer
    quit_console(child)
    with contextlib.closing(sqlite3.connect(tmp_path / "tmp" / "x.sqlite3")) as db:
        (title,) = db.execute("SELECT title FROM items WHERE id = 11").fetchone()
    lines = [_CLEAR.sub("", line) for line in shown.getvalue().split("\r\n")]
    answer = lines[next(i for i, line in enumerate(lines) if line.startswith("bot › ")) :]
    answer = [line.removeprefix("you › ") for line in answer if not line.startswith("you › /")]
    for line in answer:
        assert len(line) <= WIDTH or " " not in line.strip(), line
    continued = [line for line in answer[1:] if line]
    assert all(line.startswith(INDENT) for line in continued)
    # Every word of the title is whole, in order, however it was wrapped.
    words = " ".join(answer).split()
    assert " ".join(title.split()) in " ".join(words)


def wrap_block(block: str, width: int) -> str:
    """``block`` as the console prints it, plain, at ``width`` columns."""
    return render(wrap_text(plain(block), width), styled=False)


def test_lines_that_fit_are_left_as_they_are() -> None:
    block = f"bot › Latest (1–3)\n{INDENT}15.10.2018 — a reply /read_11\n\n{INDENT}[1] Older ›"
    assert wrap_block(block, 40) == block


words = st.text(st.characters(codec="utf-8", exclude_categories=("Z", "C")), min_size=1)


@given(
    lines=st.lists(st.lists(words, min_size=1, max_size=30), min_size=1, max_size=4),
    width=st.integers(min_value=10, max_value=120),
)
def test_wrapping_keeps_every_word_in_order_and_no_line_passes_the_width(
    lines: list[list[str]], width: int
) -> None:
    block = "\n".join(
        ("bot › " if number == 0 else INDENT) + " ".join(line) for number, line in enumerate(lines)
    )
    wrapped = wrap_block(block, width)
    assert wrapped.split() == block.split()
    for line in wrapped.split("\n"):
        assert (
            columns(line) <= width
            or len(line.split()) == 1
            or (line.startswith(("bot › ", INDENT)) and len(line[len(INDENT) :].split()) == 1)
        ), line
        assert line.startswith(("bot › ", INDENT)), line


def test_console_sources_says_the_website_is_not_read_here(tmp_path: Path) -> None:
    """With feeds set in the environment, the console's /sources does not advise setting them:
    it says the console never reads the website, and no source is registered or polled."""
    env = {
        **console_env(),
        "PRESSBOT_FEED_URLS": "https://embassy.example/press/feed.xml",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "pressbot", "console", "--db", "tmp/x.sqlite3", "--admin"],
        cwd=str(tmp_path), env=env, encoding="utf-8", timeout=30, dimensions=(50, 200),
    )  # fmt: skip
    child.expect_exact("/quit or Ctrl-D leaves.")
    child.sendline("/sources")
    child.expect_exact("bot › The website is not read here: PRESSBOT_POLL_WEBSITE is off")
    child.expect_exact("you › ")
    quit_console(child)
    assert "then restart the bot" not in (child.before or "")
    with contextlib.closing(sqlite3.connect(tmp_path / "tmp" / "x.sqlite3")) as db:
        assert db.execute("SELECT count(*) FROM sources").fetchone() == (0,)


def test_a_line_the_bot_leaves_unanswered_gives_the_prompt_back(tmp_path: Path) -> None:
    child = spawn_console(tmp_path)
    child.sendline("/read_11@otherbot")  # a command for another bot: the bot stays silent
    child.expect_exact("/read_11@otherbot\r\nyou › ")
    child.sendline("/time")
    child.expect(r"bot › \d{1,2} \w+ \d{4}")
    quit_console(child)
    assert "bot › " not in (child.before or "").split("/read_11@otherbot")[-1].split("/time")[0]


def test_piped_lines_after_a_silent_one_are_still_answered_in_order(tmp_path: Path) -> None:
    shown = run_piped(tmp_path, "/read_11@otherbot\n/contacts\n/latest 1\n1\n")
    after = shown.split("/quit or Ctrl-D leaves.", 1)[1]
    assert after.index("bot › ") < after.index("bot › Latest (1–1)") < after.index("you pressed")
    assert "bot ✎ Latest (2–2)" in after
