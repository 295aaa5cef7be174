"""The console's text with Telegram's styles: parsed from the bot's HTML, wrapped at the
terminal's width by the columns it shows, and printed with ANSI styles or as plain text.

Text is a sequence of runs, each a piece of text and the styles it has. What the bot sends is
printed only through :func:`render`, which drops control characters: a release title holding
``\\x1b[2J`` or a right-to-left override shows as its letters, and never works the terminal.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from html.parser import HTMLParser
from typing import TextIO

from wcwidth import wcwidth


class Style(Enum):
    """A Telegram style, with the ANSI SGR parameters that show it."""

    BOLD = "1"
    ITALIC = "3"
    UNDERLINE = "4"
    STRIKE = "9"
    CODE = "36"  # cyan
    LINK = "4;34"  # underlined blue
    SPOILER = "7"  # reversed: hidden in Telegram until tapped
    QUOTE = "2;3"  # faint italic


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of text and its styles."""

    text: str
    styles: frozenset[Style] = frozenset()


Text = tuple[Run, ...]
Cell = tuple[str, frozenset[Style]]  # a character and its styles, as wrap places them

#: Telegram's HTML tags (https://core.telegram.org/bots/api#html-style) and their styles.
_TAGS = {
    "b": Style.BOLD,
    "strong": Style.BOLD,
    "i": Style.ITALIC,
    "em": Style.ITALIC,
    "u": Style.UNDERLINE,
    "ins": Style.UNDERLINE,
    "s": Style.STRIKE,
    "strike": Style.STRIKE,
    "del": Style.STRIKE,
    "code": Style.CODE,
    "pre": Style.CODE,
    "a": Style.LINK,
    "tg-spoiler": Style.SPOILER,
    "blockquote": Style.QUOTE,
}
#: What a terminal would act on instead of showing: C0 and C1 controls (a line break stays)
#: and the bidirectional embeddings, overrides and isolates that reorder what follows.
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
RESET = "\x1b[0m"


class _Parser(HTMLParser):
    """Telegram's HTML subset as runs; a link keeps its address in brackets after its label."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[Run] = []
        self._open: list[tuple[str, Style | None]] = []  # the tags open, with their styles
        self._links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.runs.append(Run("\n", self._styles()))
            return
        style = _TAGS.get(tag)
        if tag == "span" and dict(attrs).get("class") == "tg-spoiler":
            style = Style.SPOILER
        if tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self.runs)))
        self._open.append((tag, style))

    def handle_endtag(self, tag: str) -> None:
        # Back to the tag this one closes; an end tag that closes nothing open is ignored.
        tags = [name for name, _ in self._open]
        if tag not in tags:
            return
        del self._open[len(tags) - 1 - tags[::-1].index(tag) :]
        if tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(run.text for run in self.runs[start:])
            if href and href != label:
                self.runs.append(Run(f" ({href})", self._styles()))

    def handle_data(self, data: str) -> None:
        self.runs.append(Run(data, self._styles()))

    def _styles(self) -> frozenset[Style]:
        return frozenset(style for _, style in self._open if style is not None)


def from_html(markup: str) -> Text:
    """What a reader sees of a message sent with parse_mode HTML, with its styles."""
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    return tuple(run for run in parser.runs if run.text)


def as_sent(raw: str, parse_mode: object) -> Text:
    """What a reader sees of a text the bot sent: its HTML parsed when it named a parse mode
    (pressbot's is always HTML), else the text as it is."""
    return from_html(raw) if parse_mode else plain(raw)


def strip(text: Text) -> Text:
    """``text`` without the spaces and line breaks at its ends (Telegram strips a caption's)."""
    runs = list(text)
    while runs and not runs[0].text.lstrip():
        runs.pop(0)
    while runs and not runs[-1].text.rstrip():
        runs.pop()
    if runs:
        runs[0] = Run(runs[0].text.lstrip(), runs[0].styles)
        runs[-1] = Run(runs[-1].text.rstrip(), runs[-1].styles)
    return tuple(runs)


def plain(text: str) -> Text:
    """Text without styles."""
    return (Run(text),) if text else ()


def text_of(text: Iterable[Run]) -> str:
    """The characters of ``text``, without its styles."""
    return "".join(run.text for run in text)


def lines_of(text: Iterable[Run]) -> list[Text]:
    """``text`` cut at its line breaks (which no line keeps)."""
    lines: list[list[Run]] = [[]]
    for run in text:
        first, *rest = run.text.split("\n")
        lines[-1].append(Run(first, run.styles))
        lines += [[Run(piece, run.styles)] for piece in rest]
    return [tuple(run for run in line if run.text) for line in lines]


def join_lines(lines: Iterable[Text]) -> Text:
    """The lines as one text, a line break between each two (lines_of the other way)."""
    joined: list[Run] = []
    for number, line in enumerate(lines):
        joined += [Run("\n"), *line] if number else line
    return tuple(joined)


def clean(text: str) -> str:
    """``text`` without control characters; a tab becomes a space."""
    return _CONTROLS.sub(lambda found: " " if found.group() == "\t" else "", text)


def columns(text: str) -> int:
    """The columns a terminal gives ``text`` (clean): two for a CJK character or an emoji."""
    return sum(max(wcwidth(char), 0) for char in text)


def wrap(line: Text, width: int, indent: str) -> list[Text]:
    """One line broken at spaces to fit ``width`` columns, continued under ``indent``.

    A line that fits is left as it is. A heading as wide as the indent ("bot › ") stays with the
    first word after it; a word wider than the line stays whole on a line of its own, since cut,
    a URL or an id would no longer be one. The spaces at a break are dropped.
    """
    cells = [(char, run.styles) for run in line for char in clean(run.text)]
    if _columns_of(cells) <= width:
        return [line]
    head: list[Cell] = []
    if len(cells) > len(indent) and cells[len(indent) - 1][0] == " ":
        head, cells = cells[: len(indent)], cells[len(indent) :]
    wrapped: list[list[Cell]] = [head]
    used = _columns_of(head)
    for number, (gap, word) in enumerate(_words(cells)):
        placed = gap + word
        if number and used + _columns_of(placed) > width:  # the first stays with the heading
            wrapped.append([(char, frozenset()) for char in indent])
            used, placed = len(indent), word
        wrapped[-1] += placed
        used += _columns_of(placed)
    return [_runs(cells) for cells in wrapped]


def render(lines: Sequence[Text], *, styled: bool) -> str:
    """The lines as a terminal is sent them: ANSI styles or none, control characters dropped."""
    printed: list[str] = []
    for line in lines:
        parts: list[str] = []
        current: frozenset[Style] = frozenset()
        for run in line:
            if styled and run.styles != current:
                parts.append(_sgr(run.styles) if not current else RESET + _sgr(run.styles))
                current = run.styles
            parts.append(clean(run.text))
        if styled and current:
            parts.append(RESET)  # each line ends plain: an indent is never underlined
        printed.append("".join(parts))
    return "\n".join(printed)


def wants_styles(out: TextIO, environ: Mapping[str, str]) -> bool:
    """Styles for a terminal only: not into a pipe or a file, and not when NO_COLOR is set
    (https://no-color.org) or the terminal is a dumb one."""
    return out.isatty() and not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"


def _sgr(styles: frozenset[Style]) -> str:
    if not styles:
        return ""
    codes = ";".join(style.value for style in sorted(styles, key=lambda style: style.value))
    return f"\x1b[{codes}m"


def _columns_of(cells: list[Cell]) -> int:
    return columns("".join(char for char, _ in cells))


def _words(cells: list[Cell]) -> list[tuple[list[Cell], list[Cell]]]:
    """The words of a line, each with the spaces before it."""
    words: list[tuple[list[Cell], list[Cell]]] = []
    gap: list[Cell] = []
    word: list[Cell] = []
    for cell in cells:
        if cell[0] == " ":
            if word:
                words.append((gap, word))
                gap, word = [], []
            gap.append(cell)
        else:
            word.append(cell)
    if word:
        words.append((gap, word))
    return words


def _runs(cells: list[Cell]) -> Text:
    grouped = itertools.groupby(cells, key=lambda cell: cell[1])
    return tuple(Run("".join(char for char, _ in group), styles) for styles, group in grouped)
