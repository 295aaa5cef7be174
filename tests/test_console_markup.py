"""What a press officer types in the console reaches the bot as a Telegram app would send it:
the plain text and the Bot API's entities, counted in UTF-16; bot commands stay as typed."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pressbot.console.markup import escape, parse, utf16_len
from test_console import run_piped

URL = "https://x.org"


def bold(offset: int, length: int) -> dict[str, Any]:
    return {"type": "bold", "offset": offset, "length": length}


def italic(offset: int, length: int) -> dict[str, Any]:
    return {"type": "italic", "offset": offset, "length": length}


def link(offset: int, length: int, url: str = URL) -> dict[str, Any]:
    return {"type": "text_link", "offset": offset, "length": length, "url": url}


def test_stars_make_bold_and_underscores_italic() -> None:
    assert parse("say *hello* and _goodbye_") == (
        "say hello and goodbye",
        [bold(4, 5), italic(14, 7)],
    )


def test_a_label_and_url_make_a_text_link() -> None:
    assert parse("read [the release](https://embassy.example/press/1) now") == (
        "read the release now",
        [link(5, 11, "https://embassy.example/press/1")],
    )


@pytest.mark.parametrize("url", ["http://x.org", "tg://resolve?domain=press", "mailto:a@x.org"])
def test_every_scheme_telegram_takes_makes_a_link(url: str) -> None:
    assert parse(f"[here]({url})") == ("here", [link(0, 4, url)])


def test_italic_inside_bold_gives_both_the_outer_first() -> None:
    assert parse("*bold _both_*") == ("bold both", [bold(0, 9), italic(5, 4)])


def test_a_bold_label_gives_the_link_and_the_bold_over_the_same_text() -> None:
    assert parse(f"[*bold label*]({URL})") == ("bold label", [link(0, 10), bold(0, 10)])


def test_a_link_inside_italic() -> None:
    assert parse(f"_see [this]({URL})_") == ("see this", [italic(0, 8), link(4, 4)])


def test_spans_that_would_cross_close_the_outer_one_and_leave_the_rest_literal() -> None:
    assert parse("*a _b* c_") == ("a _b c_", [bold(0, 4)])


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        (r"\*not bold\*", "*not bold*"),
        (r"\_not italic\_", "_not italic_"),
        (r"\[not a link\]\(https://x.org\)", "[not a link](https://x.org)"),
        (r"a \\ backslash", "a \\ backslash"),
        (r"*\*starred\**", "*starred*"),
    ],
)
def test_a_backslash_before_a_marker_gives_the_marker_itself(typed: str, text: str) -> None:
    assert parse(typed)[0] == text
    if typed.startswith("*"):
        assert parse(typed)[1] == [bold(0, 9)]
    else:
        assert parse(typed)[1] == []


@pytest.mark.parametrize("typed", [r"C:\Users\press\new.txt", r"a \n typed", "ends with \\"])
def test_a_backslash_before_anything_else_stays_a_backslash(typed: str) -> None:
    assert parse(typed) == (typed, [])


@pytest.mark.parametrize(
    "typed",
    [
        "2 * 3",
        "*open",
        "open_",
        "[label]",
        "[label](",
        "[label](https://x.org",
        "[x](not a url)",
        "[x](https://x.org/a b)",
        "[x](https://)",
        "[](https://x.org)",
        "[x] (https://x.org)",
        "**",
        "__",
        "* spaced *",
        "**doubled**",
        "__init__",
    ],
)
def test_unclosed_empty_or_unmatched_markers_stay_exactly_as_typed(typed: str) -> None:
    assert parse(typed) == (typed, [])


@pytest.mark.parametrize(
    "typed",
    ["/read_11 and /read_12", "snake_case_name", "file_name_here.pdf", "a*b*c", "/read_11@bot"],
)
def test_markers_inside_words_and_bot_commands_are_not_markup(typed: str) -> None:
    assert parse(typed) == (typed, [])


def test_punctuation_around_a_span_does_not_stop_it() -> None:
    assert parse("(*urgent*), _today_!") == ("(urgent), today!", [bold(1, 6), italic(10, 5)])


def test_an_emoji_flag_counts_four_utf16_units_in_the_bold_length() -> None:
    # 🇬🇧 is two regional indicators outside the BMP: 2 + 2, a space, then six letters.
    assert parse("*🇬🇧 London*") == ("🇬🇧 London", [bold(0, 11)])
    assert parse("🇬🇧 *London*") == ("🇬🇧 London", [bold(5, 6)])


def test_utf16_len_counts_characters_outside_the_bmp_twice() -> None:
    assert utf16_len("") == 0
    assert utf16_len("Lon") == 3
    assert utf16_len("é") == 1
    assert utf16_len("🇬🇧") == 4


markup_pieces = st.lists(
    st.sampled_from(["*", "_", "[", "]", "(", ")", "](", "\\", " ", "a", "1", "🇬🇧", URL]),
    max_size=30,
).map("".join)


@given(typed=st.one_of(st.text(), markup_pieces))
def test_any_line_gives_entities_inside_the_text_and_never_empty(typed: str) -> None:
    text, entities = parse(typed)
    for entity in entities:
        assert entity["length"] > 0
        assert entity["offset"] >= 0
        assert entity["offset"] + entity["length"] <= utf16_len(text)
    order = [(entity["offset"], -entity["length"]) for entity in entities]
    assert order == sorted(order)


STYLES = ("plain", "bold", "italic", "link")
edged_text = st.text(min_size=1).filter(lambda text: not (text[0].isspace() or text[-1].isspace()))


def typed_as(text: str, style: str) -> str:
    """``text`` written in ``style`` as a press officer would type it."""
    written = escape(text)
    return {
        "plain": written,
        "bold": f"*{written}*",
        "italic": f"_{written}_",
        "link": f"[{written}]({URL})",
    }[style]


@given(segments=st.lists(st.tuples(edged_text, st.sampled_from(STYLES)), min_size=1))
def test_escaped_segments_come_back_as_their_text_with_an_entity_each(
    segments: list[tuple[str, str]],
) -> None:
    text, entities = parse(" ".join(typed_as(piece, style) for piece, style in segments))
    assert text == " ".join(piece for piece, _ in segments)
    expected = []
    at = 0
    for piece, style in segments:
        length = utf16_len(piece)
        if style == "link":
            expected.append(link(at, length))
        elif style != "plain":
            expected.append({"type": style, "offset": at, "length": length})
        at += length + 1  # the space between segments
    assert entities == expected


@given(typed=st.text(st.characters(exclude_characters="*_[\\")))
def test_text_without_markers_comes_back_unchanged(typed: str) -> None:
    assert parse(typed) == (typed, [])


def test_an_admin_posts_bold_italic_and_a_link_typed_in_the_console(tmp_path: Path) -> None:
    """The release is stored with the styles typed, as if written in a Telegram app."""
    typed = "*Closed* on 1 December, _urgent cases only_: see [the site](https://example.org)."
    shown = run_piped(tmp_path, f"/post\nConsular hours\n{typed}\n/done\n2\n1\n", "--admin")
    assert "Published as /read_12" in shown
    # Piped, the preview shows the words, the link's address after its label.
    assert "Closed on 1 December, urgent cases only: see the site (https://example.org)." in shown
    with contextlib.closing(sqlite3.connect(tmp_path / "x.sqlite3")) as db:
        (body,) = db.execute("SELECT body_html FROM items WHERE id = 12").fetchone()
    assert body == (
        "<b>Closed</b> on 1 December, <i>urgent cases only</i>: see"
        ' <a href="https://example.org">the site</a>.'
    )


def test_a_command_keeps_its_underscores_and_is_still_a_command(tmp_path: Path) -> None:
    shown = run_piped(tmp_path, "/read_11\n")
    assert "bot › Embassy Press Officer’s reply to a media question" in shown
