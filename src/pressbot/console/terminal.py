"""The terminal side of `pressbot console`: lines in as messages, the bot's messages out as text.

Buttons are shown as numbered choices; typing a number presses that button of the latest
message that has buttons. /photo, /video and /file send a local file as Telegram would (they
are the console's, never the bot's commands). Lines are read by a daemon thread, so a blocked
read never keeps the process from ending.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import threading
from typing import TextIO

from pressbot.console.chat import BotOutput
from pressbot.console.display import (
    Choice,
    choices,
    format_message,
    media_line,
    message_text,
    wrap_text,
)
from pressbot.console.files import LocalFileError
from pressbot.console.local_api import LocalBotApi
from pressbot.console.styles import Text, lines_of, plain, render, text_of
from pressbot.core.media import MediaKind

logger = logging.getLogger(__name__)

# What the console says (English, whole sentences, for translation later).
BANNER = (
    "pressbot console: you are chatting with the bot, on the database {db}.\n"
    "The bot's log is written to {log}.\n"
    "Type a message or a command such as /start, /latest or /time, and press Enter.\n"
    "*bold*, _italic_ and [a label](https://example.org) are typed as in Telegram;"
    " \\* types a star itself.\n"
    "/photo PATH, /video PATH or /file PATH sends that file, with a caption after it if you"
    " like.\n"
    "Type the number of a button, such as 1 for [1], to press it. /quit or Ctrl-D leaves."
)
ADMIN_BANNER = (
    "You are one of the press office's admins: /post writes a release. Send /start first to"
    " get your releases here, as every subscriber gets them."
)
PROMPT = "you › "
SENT = "bot › "
EDITED = "bot ✎ "
DELETED = "bot ✗ The bot deleted a message: {text}"
NOTICE = "bot ! {text}"
PRESSED = "you pressed [{number}] {label}"
SENT_FILE = "you sent {line}"
NO_PATH = "Name the file to send: {command} PATH, and a caption after it if you like."
LINK_BUTTON = "This button opens {url}; the console can't follow links."
NO_SUCH_BUTTON = "There is no button {number}; the buttons now are {numbers}."
NO_BUTTONS = "There are no buttons to press right now."
QUIT_COMMANDS = frozenset({"/quit", "/exit"})
FILE_COMMANDS = {"/photo": MediaKind.PHOTO, "/video": MediaKind.VIDEO, "/file": MediaKind.DOCUMENT}
#: With input from a pipe or file: at most how long to wait for the bot to handle a line, and
#: how long it must stay quiet after that for its answer to count as complete.
ANSWER_WAIT_S = 5.0
ANSWER_QUIET_S = 0.3


class Terminal:
    """Prints what the bot shows and turns typed lines into the local user's updates."""

    def __init__(self, out: TextIO, width: int | None = None, *, styled: bool = False) -> None:
        """``width``: the columns to wrap at; None, the terminal's (read at each print, so a
        resized window is followed), or no wrapping when ``out`` is not a terminal.
        ``styled``: bold, italic and links shown with ANSI styles (styles.wants_styles)."""
        self.out = out
        self._interactive = out.isatty()
        self._width = width
        self._styled = styled
        self._choices: list[Choice] = []
        self._choices_message: int | None = None
        self._shown = asyncio.Event()
        self._handled = asyncio.Event()  # the bot has handled the latest line's update
        self._answered = True  # something was shown since the latest line was sent

    def show(self, output: BotOutput) -> None:
        """Print a message the bot sent, edited or deleted, or a notice it gave."""
        self._shown.set()
        self._answered = True
        message = output.message
        if output.kind == "notice" or message is None:
            self._print(NOTICE.format(text=output.notice))
            return
        if output.kind == "deleted":
            first_line = (lines_of(message_text(message)) or [()])[0]
            self._print(DELETED.format(text=text_of(first_line)))
            if message.message_id == self._choices_message:
                self._choices, self._choices_message = [], None
            return
        buttons = choices(message.reply_markup)
        if buttons:
            self._choices, self._choices_message = buttons, message.message_id
        elif message.message_id == self._choices_message:
            self._choices, self._choices_message = [], None
        heading = EDITED if output.kind == "edited" else SENT
        text = message_text(*(output.album or (message,)))
        self._print(format_message(heading, text, buttons))

    def handled(self) -> None:
        """The bot has handled an update of the local user's (AnsweredUpdates calls it).

        When it answered nothing (a command for another bot, say), the prompt is shown again
        on a terminal, as it is after every answer.
        """
        self._handled.set()
        if self._interactive and not self._answered:
            self.out.write(PROMPT)
            self.out.flush()
        self._answered = True

    async def run(
        self,
        api: LocalBotApi,
        banner: str,
        lines: asyncio.Queue[str | None],
        *,
        wait_for_answers: bool = False,
    ) -> None:
        """Show the banner, then send each typed line until /quit or the end of input.

        ``wait_for_answers`` (input from a script): each line waits for the bot's answer to
        the one before, as a person would, so that a number presses the button it means.
        """
        self._print(banner)
        while (line := await lines.get()) is not None:
            text = line.strip()
            if text in QUIT_COMMANDS:
                return
            self._shown.clear()
            self._handled.clear()
            command = text.split(maxsplit=1)[0] if text else ""
            if text.isdigit():
                if not self._press(api, int(text)):
                    continue  # no button pressed: nothing for the bot to answer
            elif command in FILE_COMMANDS:
                if not self._send_file(api, command, text[len(command) :].strip()):
                    continue  # nothing sent: no answer to wait for
            elif text:
                api.user_sends(text)
            else:
                continue
            self._answered = False
            if wait_for_answers:
                await self._answer_shown()

    async def _answer_shown(self) -> None:
        """Wait until the bot has handled the line, then until it has been quiet for a
        moment (what the engine sends after handling, a release's copies, comes then)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._handled.wait(), ANSWER_WAIT_S)
        with contextlib.suppress(TimeoutError):
            while True:
                await asyncio.wait_for(self._shown.wait(), ANSWER_QUIET_S)
                self._shown.clear()

    def _send_file(self, api: LocalBotApi, command: str, rest: str) -> bool:
        """/photo PATH [caption…] and the like: True once the file is sent."""
        try:
            path, caption = split_path(rest)
            if not path:
                raise LocalFileError(NO_PATH.format(command=command))
            file = api.user_sends_file(FILE_COMMANDS[command], path, caption)
        except LocalFileError as error:
            self._print(str(error))
            return False
        self._print(SENT_FILE.format(line=media_line(file)))
        return True

    def _press(self, api: LocalBotApi, number: int) -> bool:
        """Press the button ``number``: True once its press went to the bot."""
        if not self._choices or self._choices_message is None:
            self._print(NO_BUTTONS)
            return False
        choice = next((c for c in self._choices if c.number == number), None)
        if choice is None:
            numbers = ", ".join(str(c.number) for c in self._choices)
            self._print(NO_SUCH_BUTTON.format(number=number, numbers=numbers))
        elif choice.callback_data is None:
            self._print(LINK_BUTTON.format(url=choice.url or ""))
        else:
            self._print(PRESSED.format(number=choice.number, label=choice.label))
            if api.user_presses(self._choices_message, choice.callback_data):
                return True
            self._print(NO_BUTTONS)
        return False

    def _print(self, shown: str | Text) -> None:
        """Print a block of the console's or the bot's (only through styles.render, which drops
        the control characters a text may hold)."""
        text = plain(shown) if isinstance(shown, str) else shown
        width = self._width
        if width is None and self._interactive:
            width = shutil.get_terminal_size().columns
        lines = wrap_text(text, width) if width is not None else lines_of(text)
        block = render(lines, styled=self._styled)
        if self._interactive:
            # Over the prompt: clear its line, print, and show the prompt again below.
            self.out.write(f"\r\x1b[K{block}\n{PROMPT}")
        else:
            self.out.write(f"{block}\n")
        self.out.flush()


def split_path(rest: str) -> tuple[str, str]:
    """The path and the caption after it; a path with spaces in it goes in quotes."""
    if rest[:1] in ("'", '"') and (end := rest.find(rest[0], 1)) > 0:
        return rest[1:end], rest[end + 1 :].strip()
    parts = rest.split(maxsplit=1)
    return (parts[0], parts[1].strip()) if len(parts) == 2 else (rest.strip(), "")


def read_lines(stream: TextIO) -> asyncio.Queue[str | None]:
    """Lines of ``stream`` as they are typed, then None at its end, read by a daemon thread."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        try:
            for line in stream:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, None)
        except RuntimeError:  # the loop closed first: the console is ending anyway
            return

    threading.Thread(target=pump, name="console-input", daemon=True).start()
    return lines
