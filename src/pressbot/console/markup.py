"""What a press officer types in the console, as Telegram would deliver it: the plain text and
the Bot API's MessageEntity dicts for ``*bold*``, ``_italic_`` and ``[label](url)``.

The markers follow the flanking rule of Telegram's apps, simplified: an opening ``*``/``_``
has no letter or digit before it and no space after it, a closing one the reverse, so
``/read_11``, ``snake_case_name`` and ``a*b*c`` stay as typed. A marker doubled (``**``,
``__init__``) is literal. Spans nest but never cross: an inner span must close before its
outer one. Anything that does not close, or a link whose url is not one Telegram takes,
stays exactly as typed. Offsets and lengths count UTF-16 code units, as the Bot API does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]
# A parsed span: its text, its entities (offsets from the start of that text), and the index
# in the typed line just past it.
_Span = tuple[str, list[Entity], int]

ESCAPABLE = frozenset("*_[]()\\")
_MARKERS = frozenset("*_[\\")
_STYLES = {"*": "bold", "_": "italic"}
_SCHEMES = ("http://", "https://", "tg://", "mailto:")


@dataclass
class _Line:
    """A typed line being parsed, with what spares scanning it again and again."""

    typed: str
    # The last index where each closer could close: a marker after it can only stay literal.
    last: dict[str, int] = field(default_factory=dict)
    memo: dict[tuple[int, str], _Span | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, char in enumerate(self.typed):
            if char in "*_]" and index > 0 and _closes(self.typed, index):
                self.last[char] = index


def utf16_len(text: str) -> int:
    """The length of ``text`` in UTF-16 code units: a character outside the BMP counts 2."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def escape(text: str) -> str:
    """``text`` typed so that :func:`parse` gives it back literally, with no entities."""
    return "".join("\\" + char if char in ESCAPABLE else char for char in text)


def parse(typed: str) -> tuple[str, list[Entity]]:
    """The text and the Bot API entities of a typed line."""
    if not _MARKERS.intersection(typed):
        return typed, []
    top = _span(_Line(typed), 0, "")
    if top is None:  # never: the top level has no closer to miss and ends at the end
        return typed, []
    text, entities, _ = top
    # Outer entities come before the ones they hold; a stable sort keeps that for equal ranges.
    return text, sorted(entities, key=lambda entity: (entity["offset"], -entity["length"]))


def _span(line: _Line, start: int, closers: str) -> _Span | None:
    """The span from ``start`` to the closer ``closers[-1]`` (the end, at the top), or None.

    ``closers`` holds the closer of every span open around this one, innermost last; the
    memo keeps a line full of unclosed markers from being scanned again for each of them.
    """
    key = (start, closers)
    if key not in line.memo:
        line.memo[key] = _scan(line, start, closers)
    return line.memo[key]


def _scan(line: _Line, index: int, closers: str) -> _Span | None:
    typed = line.typed
    parts: list[str] = []
    entities: list[Entity] = []
    at = 0  # UTF-16 units written so far
    while index < len(typed):
        char = typed[index]
        if char == "\\" and typed[index + 1 : index + 2] in ESCAPABLE:
            parts.append(typed[index + 1])
            at += 1
            index += 2
            continue
        if char in closers and _closes(typed, index):
            if char == closers[-1]:
                return "".join(parts), entities, index + 1
            return None  # an outer span ends here first: spans never cross
        inner: _Span | None = None
        if char in _STYLES and char not in closers and _opens(typed, index):
            inner = _styled(line, index, closers)
        elif char == "[" and "]" not in closers:
            inner = _link(line, index, closers)
        if inner is None:
            parts.append(char)
            at += utf16_len(char)
            index += 1
            continue
        text, held, index = inner
        entities.extend({**entity, "offset": entity["offset"] + at} for entity in held)
        parts.append(text)
        at += utf16_len(text)
    if closers:
        return None
    return "".join(parts), entities, index


def _styled(line: _Line, index: int, closers: str) -> _Span | None:
    """The bold or italic span opened at ``index``, or None if it never closes or is empty."""
    marker = line.typed[index]
    if line.last.get(marker, -1) <= index:
        return None
    inner = _span(line, index + 1, closers + marker)
    if inner is None or not inner[0]:
        return None
    text, held, end = inner
    entity = {"type": _STYLES[marker], "offset": 0, "length": utf16_len(text)}
    return text, [entity, *held], end


def _link(line: _Line, index: int, closers: str) -> _Span | None:
    """The ``[label](url)`` opened at ``index``, or None if it is not a whole, valid link."""
    if line.last.get("]", -1) <= index:
        return None
    typed = line.typed
    label = _span(line, index + 1, closers + "]")
    if label is None or not label[0]:
        return None
    text, held, after = label
    if typed[after : after + 1] != "(":
        return None
    end = typed.find(")", after + 1)
    url = typed[after + 1 : end]
    if end < 0 or not _is_url(url):
        return None
    entity = {"type": "text_link", "offset": 0, "length": utf16_len(text), "url": url}
    return text, [entity, *held], end + 1


def _is_url(url: str) -> bool:
    """Whether Telegram would take ``url`` for a text link: a known scheme, more, no spaces."""
    return any(
        url.startswith(scheme) and len(url) > len(scheme) for scheme in _SCHEMES
    ) and not any(char.isspace() for char in url)


def _opens(typed: str, index: int) -> bool:
    """Whether the ``*`` or ``_`` at ``index`` may open a span."""
    after = typed[index + 1 : index + 2]
    return (
        (index == 0 or not typed[index - 1].isalnum())
        and after != ""
        and not after.isspace()
        and not _doubled(typed, index)
    )


def _closes(typed: str, index: int) -> bool:
    """Whether the closer at ``index`` (a ``]``, or a ``*``/``_`` that flanks) closes a span."""
    if typed[index] == "]":
        return True
    after = typed[index + 1 : index + 2]
    return not typed[index - 1].isspace() and not after.isalnum() and not _doubled(typed, index)


def _doubled(typed: str, index: int) -> bool:
    """Whether the marker at ``index`` touches the same marker, unescaped (``**``, ``__``)."""
    marker = typed[index]
    if typed[index + 1 : index + 2] == marker:
        return True
    if index == 0 or typed[index - 1] != marker:
        return False
    before = index - 1
    while before > 0 and typed[before - 1] == "\\":
        before -= 1
    return (index - 1 - before) % 2 == 0  # an odd run of backslashes escapes the one before
