"""HTML from a website -> Telegram-safe HTML: allowed tags only, everything else escaped text.

Telegram's parse_mode HTML knows a handful of inline tags. Block elements become paragraphs
(separated by a blank line, as the rest of pressbot expects) or line breaks; scripts, styles and
the like are dropped with their content. Every paragraph closes the tags it opened, so a message
cut between paragraphs is valid on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.element import (
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    PageElement,
    ProcessingInstruction,
    Tag,
)

from pressbot.texts.markup import escape

# Telegram's own names for each allowed tag; the synonyms become the short forms.
_INLINE = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "code": "code",
}
_DROPPED = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head",
     "title", "meta", "link", "form", "button", "select", "textarea", "input"}
)  # fmt: skip
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "header", "footer", "aside", "main", "nav", "ul", "ol",
     "table", "tr", "dl", "dt", "dd", "figure", "figcaption", "hr", "body", "html", "h1", "h2",
     "h3", "h4", "h5", "h6", "center", "address"}
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_SPACE = re.compile(r"\s+")


class _Writer:
    """Paragraphs of Telegram HTML, each with its open inline tags closed at its end."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.parts: list[str] = []
        self.open: list[tuple[str, str]] = []  # (name, opening markup)
        self.has_text = False
        self.after_space = True  # at a paragraph's or line's start, leading space is dropped

    def text(self, raw: str) -> None:
        collapsed = _SPACE.sub(" ", raw)
        if self.after_space:
            collapsed = collapsed.lstrip(" ")
        if not collapsed:
            return
        self.parts.append(escape(collapsed))
        self.has_text = True
        self.after_space = collapsed.endswith(" ")

    def verbatim(self, markup: str) -> None:
        self.parts.append(markup)
        self.has_text = True
        self.after_space = False

    def push(self, name: str, opening: str) -> None:
        self.parts.append(opening)
        self.open.append((name, opening))

    def pop(self) -> None:
        name, opening = self.open.pop()
        if self.after_newline():
            self.parts.pop()
        if self.parts and self.parts[-1] == opening:
            self.parts.pop()  # an empty element leaves nothing behind
        else:
            self.parts.append(f"</{name}>")

    def line_break(self) -> None:
        if self.has_text and not self.after_newline():
            self.parts.append("\n")
            self.after_space = True

    def after_newline(self) -> bool:
        return bool(self.parts) and self.parts[-1] == "\n"

    def paragraph_break(self) -> None:
        if any(name == "blockquote" for name, _ in self.open):
            self.line_break()  # a quote's paragraphs stay in one quote
            return
        if not self.has_text:
            return
        closing = "".join(f"</{name}>" for name, _ in reversed(self.open))
        self.paragraphs.append(_trim("".join(self.parts)) + closing)
        self.parts = [opening for _, opening in self.open]
        self.has_text = False
        self.after_space = True

    def result(self) -> str:
        self.paragraph_break()
        return "\n\n".join(self.paragraphs)


def _trim(markup: str) -> str:
    return markup.rstrip(" \n")


def sanitize_html(markup: str, base_url: str = "") -> str:
    """Turn any HTML (a fragment or a page) into Telegram-safe HTML with paragraphs kept."""
    soup = BeautifulSoup(markup, "html.parser")
    writer = _Writer()
    _walk(soup, writer, base_url)
    return writer.result()


def sanitize_element(element: Tag, base_url: str = "") -> str:
    """Telegram-safe HTML of one parsed element's content."""
    writer = _Writer()
    _walk(element, writer, base_url)
    return writer.result()


# What is left to do: a node to enter, or the closing step of an element entered before.
_Step = PageElement | Callable[[], None]


def _walk(node: Tag, writer: _Writer, base_url: str) -> None:
    """Visit the tree with a stack of its own: broken pages nest unclosed <p>s by the hundred."""
    steps: list[_Step] = list(reversed(list(node.children)))
    while steps:
        step = steps.pop()
        if isinstance(step, Comment | Declaration | Doctype | ProcessingInstruction):
            continue
        if isinstance(step, NavigableString):
            writer.text(str(step))
        elif isinstance(step, Tag):
            closing, descend = _enter(step, writer, base_url)
            if closing is not None:
                steps.append(closing)
            if descend:
                steps.extend(reversed(list(step.children)))
        elif callable(step):
            step()


def _enter(tag: Tag, writer: _Writer, base_url: str) -> tuple[Callable[[], None] | None, bool]:
    """Write an element's opening; return its closing step and whether to visit its children."""
    name = tag.name.lower()
    if name in _DROPPED or name in {"br", "pre"}:
        _leaf(tag, name, writer)
        return None, False
    if name == "li":
        writer.line_break()
        writer.text("• ")
        return writer.line_break, True
    return _container(tag, name, writer, base_url), True


def _leaf(tag: Tag, name: str, writer: _Writer) -> None:
    """An element whose children are not visited: a break, preformatted text, or dropped."""
    if name == "br":
        writer.line_break()
    elif name == "pre":
        writer.paragraph_break()
        text = tag.get_text().strip("\n")
        if text.strip():
            writer.verbatim(f"<pre>{escape(text)}</pre>")
        writer.paragraph_break()


def _container(tag: Tag, name: str, writer: _Writer, base_url: str) -> Callable[[], None] | None:
    """Open what an element with children stands for; return what closes it."""
    if name in _INLINE:
        return _open(writer, _INLINE[name], f"<{_INLINE[name]}>")
    if name == "a":
        href = safe_link(str(tag.get("href") or ""), base_url)
        return _open(writer, "a", f'<a href="{escape(href)}">') if href else None
    if name == "blockquote" or name in _HEADINGS or name in _BLOCKS:
        writer.paragraph_break()
        close = None
        if name == "blockquote":
            close = _open(writer, "blockquote", "<blockquote>")
        elif name in _HEADINGS:
            close = _open(writer, "b", "<b>")
        return _then(close, writer.paragraph_break)
    return None  # unknown and disallowed tags: their text stays, the tag goes


def _open(writer: _Writer, name: str, opening: str) -> Callable[[], None] | None:
    """Open an inline tag and return what closes it; nothing when it is open already."""
    if any(open_name == name for open_name, _ in writer.open):
        return None  # <b> inside <b>: Telegram gains nothing from nesting
    writer.push(name, opening)
    return writer.pop


def _then(first: Callable[[], None] | None, second: Callable[[], None]) -> Callable[[], None]:
    def both() -> None:
        if first is not None:
            first()
        second()

    return both


def safe_link(href: str, base_url: str = "") -> str:
    """An absolute http(s) or mailto link, or "" for anything else (javascript:, data:)."""
    href = href.strip()
    if not href:
        return ""
    absolute = urljoin(base_url, href) if base_url else href
    return absolute if urlsplit(absolute).scheme.lower() in _LINK_SCHEMES else ""
