"""What the console prints: the bot's Telegram HTML as plain text, buttons as numbered choices,
a photo, video or document as a line such as ``[photo 1280×720]`` before its caption."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from pressbot.console.chat import ChatMessage, LocalFile
from pressbot.core.media import MediaKind

INDENT = "      "


class _PlainText(HTMLParser):
    """Collects the text of Telegram's HTML subset; a link keeps its address in brackets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self.parts)))
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(self.parts[start:])
            if href and href != label:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The text a reader sees for a message sent with parse_mode HTML."""
    parser = _PlainText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


@dataclass(frozen=True, slots=True)
class Choice:
    """A button the local user can press by typing its number."""

    number: int
    label: str
    callback_data: str | None
    url: str | None


def choices(reply_markup: dict[str, Any] | None) -> list[Choice]:
    """The inline keyboard's buttons, numbered from 1, row by row."""
    rows = (reply_markup or {}).get("inline_keyboard", [])
    buttons = [button for row in rows for button in row]
    return [
        Choice(number, str(b.get("text", "")), b.get("callback_data"), b.get("url"))
        for number, b in enumerate(buttons, start=1)
    ]


def format_message(heading: str, text: str, buttons: list[Choice]) -> str:
    """A bot message as a block: the heading, the text indented, the buttons on one line."""
    lines = text.splitlines() or [""]
    body = [f"{heading}{lines[0]}", *(f"{INDENT}{line}" if line else "" for line in lines[1:])]
    if buttons:
        body.append(INDENT + "  ".join(f"[{b.number}] {b.label}" for b in buttons))
    return "\n".join(body)


def wrap_block(block: str, width: int) -> str:
    """Each line of ``block`` broken at spaces to fit ``width`` columns, continued under INDENT.

    A word longer than the width stays whole on a line of its own: cut, a URL or an id would
    no longer be one. Lines that fit are left exactly as they are.
    """
    wrapped: list[str] = []
    for line in block.split("\n"):
        if len(line) <= width:
            wrapped.append(line)
            continue
        # A heading ("bot › ") or the indent stays with the first word that follows it.
        head = line[: len(INDENT)] if line[len(INDENT) - 1 : len(INDENT)] == " " else ""
        wrapped += textwrap.wrap(
            line[len(head) :],
            width,
            initial_indent=head,
            subsequent_indent=INDENT,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [line]
    return "\n".join(wrapped)


def file_size(size: int) -> str:
    """A size as the console shows it: "210 KB", "1.4 MB" (one decimal from 1 MB on)."""
    kilobytes = max(1, round(size / 1024))
    if size >= 2**20 or kilobytes >= 1024:
        return f"{size / 2**20:.1f} MB"
    return f"{kilobytes} KB"


def media_line(file: LocalFile) -> str:
    """``[photo 1280×720]``, ``[video 1920×1080, 12 s]``, ``[document statement.pdf, 210 KB]``;
    a URL the console did not fetch as ``[photo https://…]``; a photo of a size not known,
    by its file name."""
    if file.url is not None:
        return f"[{file.kind} {file.url}]"
    parts: list[str] = []
    if file.kind is MediaKind.DOCUMENT:
        parts += [file.file_name] if file.file_name else []
        parts += [file_size(file.size)] if file.size is not None else []
    else:
        if file.width and file.height:
            parts.append(f"{file.width}×{file.height}")
        elif file.file_name:
            parts.append(file.file_name)
        if file.kind is MediaKind.VIDEO and file.duration:
            parts.append(_duration(file.duration))
    return f"[{file.kind} {', '.join(parts)}]" if parts else f"[{file.kind}]"


def message_text(*messages: ChatMessage) -> str:
    """What a message shows, or an album of them: a line a file, then the text or captions."""
    lines = [media_line(message.file) for message in messages if message.file is not None]
    return "\n".join([*lines, *(message.text for message in messages if message.text)])


def _duration(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
