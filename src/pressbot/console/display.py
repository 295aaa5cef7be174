"""What the console prints: a bot message as a block under its heading, buttons as numbered
choices, a photo, video or document as a line such as ``[photo 1280×720]`` before its caption,
wrapped at the terminal's width under the indent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pressbot.console.chat import ChatMessage, LocalFile
from pressbot.console.styles import Run, Text, join_lines, lines_of, plain, wrap
from pressbot.core.media import MediaKind

INDENT = "      "


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


def format_message(heading: str, text: Text, buttons: list[Choice]) -> Text:
    """A bot message as a block: the heading, the text indented, the buttons on one line."""
    first, *rest = lines_of(text)
    body = [(Run(heading), *first), *(((Run(INDENT), *line) if line else ()) for line in rest)]
    if buttons:
        body.append((Run(INDENT + "  ".join(f"[{b.number}] {b.label}" for b in buttons)),))
    return join_lines(body)


def wrap_text(text: Text, width: int) -> list[Text]:
    """Each line of ``text`` broken at spaces to fit ``width`` columns, continued under INDENT
    (styles.wrap: a line that fits stays as it is, a word too long for any line stays whole)."""
    return [part for line in lines_of(text) for part in wrap(line, width, INDENT)]


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


def message_text(*messages: ChatMessage) -> Text:
    """What a message shows, or an album of them: a line a file, then the text or captions."""
    files = [plain(media_line(message.file)) for message in messages if message.file]
    return join_lines([*files, *(message.shown for message in messages if message.text)])


def _duration(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
