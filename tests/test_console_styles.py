"""The console shows Telegram's styles: bold, italic and links as a terminal shows them, plain
text into a pipe or with NO_COLOR, and never a control character a text carried.

What a terminal makes of the console's output is read with pyte, a terminal emulator: the
tests look at the screen's cells (bold? underlined? which row?) as a person would.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pexpect
import pyte
from hypothesis import given
from hypothesis import strategies as st

from pressbot.console.display import INDENT, wrap_text
from pressbot.console.styles import Run, Style, Text, clean, from_html, render, text_of
from test_console import console_env, quit_console

ROWS = 400


def screen_of(printed: str, width: int) -> pyte.Screen:
    """The screen of a terminal ``width`` columns wide after ``printed`` (lines ending "\\n")."""
    screen = pyte.Screen(width, ROWS)
    pyte.Stream(screen).feed(printed.replace("\n", "\r\n"))
    return screen


def cells(screen: pyte.Screen, word: str) -> list[pyte.screens.Char]:
    """The cells of the first place ``word`` is shown on the screen."""
    for row, line in enumerate(screen.display):
        if (column := line.find(word)) >= 0:
            return [screen.buffer[row][column + i] for i in range(len(word))]
    raise AssertionError(f"{word!r} is not on the screen: {screen.display[:10]}")


def test_each_telegram_style_is_shown_as_a_terminal_shows_it() -> None:
    html = (
        "<b>Statement</b> <i>15.10.2018</i> <u>under</u> <s>struck</s> <code>/read_11</code>"
        ' <a href="https://rusemb.org.uk/press/1">site</a> <tg-spoiler>hidden</tg-spoiler>'
        " <b>bold <i>both</i></b> plain"
    )
    screen = screen_of(render([from_html(html)], styled=True) + "\n", 200)
    assert all(c.bold and not c.italics for c in cells(screen, "Statement"))
    assert all(c.italics and not c.bold for c in cells(screen, "15.10.2018"))
    assert all(c.underscore for c in cells(screen, "under"))
    assert all(c.strikethrough for c in cells(screen, "struck"))
    assert all(c.fg == "cyan" for c in cells(screen, "/read_11"))
    assert all(c.underscore and c.fg == "blue" for c in cells(screen, "site"))
    assert all(c.reverse for c in cells(screen, "hidden"))
    assert all(c.bold and c.italics for c in cells(screen, "both"))
    plain = cells(screen, "plain") + cells(screen, "(https://rusemb.org.uk/press/1)")
    assert not any(c.bold or c.italics or c.underscore or c.reverse for c in plain)
    assert screen.display[0].rstrip() == text_of(from_html(html))


def test_a_link_broken_over_two_lines_leaves_the_indent_plain() -> None:
    text = (Run("bot › Read the "), Run("whole statement on the site", frozenset({Style.LINK})))
    screen = screen_of(render(wrap_text(text, 30), styled=True) + "\n", 30)
    assert screen.display[0] == "bot › Read the whole statement"
    assert screen.display[1].startswith(INDENT + "on the site")
    assert not any(screen.buffer[1][column].underscore for column in range(len(INDENT)))
    assert all(c.underscore for c in cells(screen, "on the site"))


def test_control_characters_in_a_text_show_as_nothing() -> None:
    """A hostile title cannot clear the screen, ring, colour or reorder what follows."""
    hostile = "Title\x1b[2J\x1b[31m red\x07\x08\x9b5m\u202eevil\u202c\ttab"
    printed = render([(Run("before"),), from_html(f"<b>{hostile}</b>")], styled=True)
    assert "\x1b[2J" not in printed and "\x07" not in printed and "\u202e" not in printed
    screen = screen_of(printed + "\n", 80)
    assert screen.display[0].rstrip() == "before"  # not cleared
    assert screen.display[1].rstrip() == "Title[2J[31m red5mevil tab"
    assert not any(c.fg == "red" for c in screen.buffer[1].values())


def test_piped_output_is_plain_text() -> None:
    printed = render(
        [from_html("<b>Statement</b> <i>of</i> <a href='https://x.org'>x</a>")], styled=False
    )
    assert printed == "Statement of x (https://x.org)"


#: Latin, Greek and Cyrillic letters, digits, punctuation and symbols; wide CJK and emoji; and
#: the control characters a hostile text may hold. (Rarer scripts are left out: terminals,
#: pyte among them, disagree with each other on the width of some of their characters.)
letters = st.characters(
    min_codepoint=0x21, max_codepoint=0x52F, categories=("L", "N", "P", "S")
) | st.sampled_from("中文日本語😀—«»“”№\x1b\x07\x00\x7f\u202e\t")
words = st.text(letters, min_size=1, max_size=12)
runs = st.builds(
    Run,
    # A run ends at a space: a word of two runs could be wider than any line.
    st.lists(words, min_size=1, max_size=6).map(lambda words: " ".join(words) + " "),
    st.frozensets(st.sampled_from(list(Style)), max_size=3),
)


@given(
    lines=st.lists(st.lists(runs, min_size=1, max_size=8).map(tuple), min_size=1, max_size=4),
    width=st.integers(min_value=32, max_value=120),
)
def test_styled_lines_fit_the_terminal_and_keep_every_word(
    lines: list[tuple[Run, ...]], width: int
) -> None:
    """On a terminal ``width`` columns wide, no wrapped line runs onto a second row (styles
    take no columns, a wide character two), and every word is shown, in order."""
    text: Text = tuple(
        run for number, line in enumerate(lines) for run in ((Run("\n"),) if number else ()) + line
    )
    text = (Run("bot › "), *text)
    wrapped = wrap_text(text, width)
    screen = screen_of(render(wrapped, styled=True) + "\n", width)
    assert screen.cursor.y == len(wrapped)  # one row a line: nothing ran over the edge
    shown = " ".join(line.rstrip() for line in screen.display[: len(wrapped)])
    assert shown.split() == clean(text_of(text)).split()


def read_11_on_a_terminal(tmp_path: Path, env: dict[str, str], columns: int) -> str:
    """What a console on a terminal ``columns`` wide prints for /read_11, as it was sent."""
    child = pexpect.spawn(
        sys.executable, ["-m", "pressbot", "console", "--db", "x.sqlite3"],
        cwd=str(tmp_path), env=env | {"TERM": "xterm"}, encoding="utf-8", timeout=30,
        dimensions=(ROWS, columns),
    )  # fmt: skip
    shown = io.StringIO()
    child.logfile_read = shown
    child.expect_exact("/quit or Ctrl-D leaves.")
    child.sendline("/read_11")
    child.expect_exact("bot › ")
    child.expect_exact("\r\nyou › ")
    quit_console(child)
    return shown.getvalue()


def test_the_console_on_a_terminal_shows_bold_and_italic(tmp_path: Path) -> None:
    env = {k: v for k, v in console_env().items() if k != "NO_COLOR"}
    shown = read_11_on_a_terminal(tmp_path, env, 100)
    screen = screen_of(shown.replace("\r\n", "\n"), 100)
    assert all(c.bold for c in cells(screen, "Embassy Press Officer"))
    assert all(c.italics for c in cells(screen, "15.10.2018"))
    assert not any(c.bold for c in cells(screen, "There is no contradiction"))


def test_no_color_keeps_the_terminal_plain(tmp_path: Path) -> None:
    """NO_COLOR (https://no-color.org), as console_env sets it: the same words, no styles."""
    shown = read_11_on_a_terminal(tmp_path, console_env(), 200)
    assert "Embassy Press Officer" in shown
    # The only terminal code left is the console's own: the prompt's line cleared.
    assert set(re.findall(r"\x1b\[[0-9;]*[A-Za-z]", shown)) == {"\x1b[K"}


def test_a_stray_or_self_closed_tag_does_not_end_a_style() -> None:
    shown = from_html("<b>bold<br/>still</i> bold</b> plain")
    assert [(run.text, run.styles) for run in shown] == [
        ("bold", frozenset({Style.BOLD})),
        ("\n", frozenset({Style.BOLD})),
        ("still", frozenset({Style.BOLD})),
        (" bold", frozenset({Style.BOLD})),
        (" plain", frozenset()),
    ]
