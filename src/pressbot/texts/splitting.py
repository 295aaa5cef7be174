"""Split Telegram HTML into messages under Telegram's limit, each valid on its own.

Telegram counts a message's length after entity parsing, in UTF-16 code units, so tags cost
nothing and `&amp;` costs one. Text is cut at the best boundary available (paragraph, line,
sentence, word) in the second half of a chunk; tags open at a cut are closed at the end of one
message and opened again at the start of the next.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TELEGRAM_TEXT_LIMIT = 4096

_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")
# Each unit of text ends at a run of white space; what the run holds ranks it as a boundary.
_BOUNDARY = re.compile(r"\s+")
# Coarse units first: white space that holds a line break or follows a sentence's end.
_COARSE_BOUNDARY = re.compile(
    r"\s*\n\s*|(?:(?<=[.!?…])|(?<=[.!?…][”’\"')»\]])|(?<=[.!?…][”’\"')»\]]{2}))\s+"
)
# A sentence ends in . ! ? or …, perhaps followed by closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…][”’\"')»\]]{0,2}$")

_PARAGRAPH, _LINE, _SENTENCE, _WORD, _NONE = 4, 3, 2, 1, 0


@dataclass(slots=True)
class _Tag:
    name: str
    raw: str
    closing: bool


@dataclass(slots=True)
class _Text:
    text: str  # unescaped
    boundary: int  # the priority of the boundary at its end


def utf16_length(text: str) -> int:
    """Return the length Telegram counts: UTF-16 code units."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _boundary_priority(separator: str) -> int:
    if not separator:
        return _NONE
    if separator.count("\n") >= 2:
        return _PARAGRAPH
    if "\n" in separator:
        return _LINE
    return _WORD


def _tokenize(markup: str, limit: int) -> list[_Tag | _Text]:
    tokens: list[_Tag | _Text] = []
    position = 0
    for match in _TAG.finditer(markup):
        tokens.extend(_text_units(html.unescape(markup[position : match.start()]), limit))
        tokens.append(_Tag(match.group(2).lower(), match.group(0), closing=bool(match.group(1))))
        position = match.end()
    tokens.extend(_text_units(html.unescape(markup[position:]), limit))
    return tokens


def _text_units(text: str, limit: int) -> list[_Tag | _Text]:
    """Units ending at sentences, lines and paragraphs; words only inside an overlong one."""
    units: list[_Tag | _Text] = []
    position = 0
    for match in _COARSE_BOUNDARY.finditer(text):
        if match.end() > position:
            units.extend(_units_of(text[position : match.end()], limit))
            position = match.end()
    if position < len(text):
        units.extend(_units_of(text[position:], limit))
    return units


def _units_of(piece: str, limit: int) -> list[_Tag | _Text]:
    if utf16_length(piece) <= limit:
        tail = piece[len(piece.rstrip()) :]
        if not tail:
            return [_Text(piece, _NONE)]
        priority = _boundary_priority(tail)
        if priority == _WORD and _SENTENCE_END.search(piece.rstrip()):
            priority = _SENTENCE
        return [_Text(piece, priority)]
    return _word_units(piece)


def _word_units(text: str) -> list[_Tag | _Text]:
    units: list[_Tag | _Text] = []
    position = 0
    for match in _BOUNDARY.finditer(text):
        priority = _boundary_priority(match.group(0))
        if priority == _WORD and _SENTENCE_END.search(
            text, max(0, match.start() - 3), match.start()
        ):
            priority = _SENTENCE
        units.append(_Text(text[position : match.end()], priority))
        position = match.end()
    if position < len(text):
        units.append(_Text(text[position:], _NONE))
    return units


def _hard_split(unit: _Text, limit: int) -> list[_Text]:
    """Cut a unit longer than a whole message at code point boundaries."""
    pieces: list[_Text] = []
    start, used = 0, 0
    for index, char in enumerate(unit.text):
        width = 2 if ord(char) > 0xFFFF else 1
        if used + width > limit:
            pieces.append(_Text(unit.text[start:index], _NONE))
            start, used = index, 0
        used += width
    pieces.append(_Text(unit.text[start:], unit.boundary))
    return pieces


def _render(tokens: list[_Tag | _Text]) -> str:
    return "".join(
        token.raw if isinstance(token, _Tag) else html.escape(token.text, quote=False)
        for token in tokens
    )


def _open_after(stack: list[_Tag], tokens: list[_Tag | _Text]) -> list[_Tag]:
    stack = list(stack)
    for token in tokens:
        if isinstance(token, _Tag):
            if not token.closing:
                stack.append(token)
            elif stack and stack[-1].name == token.name:
                stack.pop()
    return stack


def _choose_cut(chunk: list[_Tag | _Text], lengths: list[int], limit: int) -> int:
    """Return how many tokens of `chunk` the message takes: the best boundary, late enough."""
    best, best_priority = 0, -1
    for index, token in enumerate(chunk):
        if not isinstance(token, _Text) or token.boundary == _NONE:
            continue
        late_enough = lengths[index] >= limit // 2
        priority = token.boundary + (10 if late_enough else 0)
        if priority >= best_priority:
            best, best_priority = index + 1, priority
    return best or len(chunk)


def _trim(tokens: list[_Tag | _Text], *, leading: bool) -> None:
    order = range(len(tokens)) if leading else range(len(tokens) - 1, -1, -1)
    for index in order:
        token = tokens[index]
        if isinstance(token, _Text):
            token.text = token.text.lstrip() if leading else token.text.rstrip()
            if token.text:
                return


def split_html(markup: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split Telegram HTML into messages of at most `limit` UTF-16 units of visible text."""
    visible = html.unescape(_TAG.sub("", markup))
    if utf16_length(visible) <= limit:  # the usual case: one message, nothing to cut
        return [markup.strip()] if visible.strip() else []
    tokens: list[_Tag | _Text] = []
    for token in _tokenize(markup, limit):
        if isinstance(token, _Text) and utf16_length(token.text) > limit:
            tokens.extend(_hard_split(token, limit))
        else:
            tokens.append(token)

    messages: list[str] = []
    stack: list[_Tag] = []
    while tokens:
        chunk: list[_Tag | _Text] = [*stack]
        lengths: list[int] = [0] * len(stack)
        used, taken = 0, 0
        for token in tokens:
            width = utf16_length(token.text) if isinstance(token, _Text) else 0
            if used + width > limit and taken:
                break
            chunk.append(token)
            used += width
            lengths.append(used)
            taken += 1
        if taken == len(tokens):
            cut_in_chunk = len(chunk)
        else:
            cut_in_chunk = max(_choose_cut(chunk, lengths, limit), len(stack) + 1)
        body = chunk[:cut_in_chunk]
        consumed = cut_in_chunk - len(stack)
        open_tags = _open_after(stack, tokens[:consumed])
        _trim(body, leading=True)
        _trim(body, leading=False)
        closing = "".join(f"</{tag.name}>" for tag in reversed(open_tags))
        text = _render(body) + closing
        if any(isinstance(token, _Text) and token.text.strip() for token in body):
            messages.append(text)
        tokens = tokens[consumed:]
        stack = open_tags
    return messages
