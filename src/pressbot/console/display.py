"""What the console prints: the bot's Telegram HTML as plain text, buttons as numbered choices."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

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
