"""What `pressbot --help` and each sub-command's help say: written for whoever runs the bot."""

from __future__ import annotations

import argparse
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from pressbot.core.languages import ENGLISH, LANGUAGES

DESCRIPTION = """\
pressbot delivers an embassy's press releases on Telegram. It keeps them in one SQLite
database, sends each new release to its subscribers, answers readers' commands (/latest,
/read, /search, /contacts, /time), and lets the press office's admins publish from Telegram.
Start with `pressbot console` to try it without a token; `pressbot run` serves Telegram."""

EPILOG = """\
settings:
  From PRESSBOT_* environment variables and a .env file in the current folder (.env.example
  lists them all). The database every command but console works on is PRESSBOT_DB_PATH
  (default: pressbot.sqlite3 in the current folder).

exit status:
  0  done, or stopped by SIGTERM or Ctrl-C
  1  an error while running, logged with its traceback (a supervisor may restart)
  2  a setting, a file or an argument to fix, said in one line on stderr (do not restart:
     it would fail the same way until it is fixed)

`pressbot COMMAND --help` tells more of each command."""

_FORMATTER = argparse.RawDescriptionHelpFormatter


def pressbot_version() -> str:
    """The installed distribution's version, as `pressbot --version` prints it."""
    try:
        return version("pressbot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser: one sub-command a task."""
    parser = argparse.ArgumentParser(
        prog="pressbot", description=DESCRIPTION, epilog=EPILOG, formatter_class=_FORMATTER
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {pressbot_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _serving(commands)
    _loading(commands)
    _keeping(commands)
    _reporting(commands)
    return parser


if TYPE_CHECKING:  # argparse's own type, generic for type checkers only
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def _command(commands: Commands, name: str, summary: str, details: str) -> argparse.ArgumentParser:
    return commands.add_parser(
        name, help=summary, description=f"{summary[0].upper()}{summary[1:]}.\n\n{details}",
        formatter_class=_FORMATTER,
    )  # fmt: skip


def _serving(commands: Commands) -> None:
    _command(
        commands,
        "run",
        "serve Telegram: answer readers and deliver releases until stopped",
        "Long polling, or a webhook when PRESSBOT_WEBHOOK_URL is set. Needs PRESSBOT_BOT_TOKEN;\n"
        "one bot a database (a second one on the same file refuses to start). SIGTERM or\n"
        "Ctrl-C stops it after the current sends, and it goes on where it stopped.",
    )
    console = _command(
        commands,
        "console",
        "chat with the real bot in this terminal, without Telegram or a token",
        "The same bot as `pressbot run`, talking to a local Bot API: type messages and\n"
        "commands, press buttons by their number. Nothing reaches Telegram.",
    )
    console.add_argument(
        "--db",
        type=Path,
        default=Path("pressbot-console.sqlite3"),
        metavar="PATH",
        help="the console's own database, made and seeded if new; its log is PATH.log"
        " (default: pressbot-console.sqlite3)",
    )
    console.add_argument(
        "--admin", action="store_true", help="be one of the press office's admins (/post)"
    )
    console.add_argument(
        "--language",
        choices=LANGUAGES,
        help="your Telegram's language, over the one the file kept (default: that one,"
        " else English)",
    )


def _loading(commands: Commands) -> None:
    importing = _command(
        commands,
        "import",
        "load items files (the format of data/) into the database",
        "Items already there are left as they are, so importing twice adds nothing.\n"
        "Prints, a file, how many items were added and how many were there already.",
    )
    importing.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="an items file, as in data/"
    )
    import_url = _command(
        commands,
        "import-url",
        "read one feed or page of the website once and add its new items",
        "What `pressbot run` does at each poll of PRESSBOT_FEED_URLS and PRESSBOT_PAGE_URLS,\n"
        "once, for one address: to try a source before configuring it. New items are not\n"
        "sent to subscribers. Exit status 1 if the source can't be read.",
    )
    import_url.add_argument(
        "url", metavar="URL", help="an RSS or Atom feed, or a press page (https://…)"
    )
    import_url.add_argument(
        "--language",
        choices=LANGUAGES,
        default=ENGLISH,
        help="the language the source writes in, as ru=URL in PRESSBOT_FEED_URLS (default: en)",
    )


def _keeping(commands: Commands) -> None:
    backup = _command(
        commands,
        "backup",
        "copy the database, also while the bot runs",
        "The copy is the database at one instant, checked before it counts. With --keep N,\n"
        "PATH is a folder (made if missing): the copy is named <name>-<UTC time>.sqlite3\n"
        "and the oldest copies beyond the newest N are removed, after the new one is whole.",
    )
    backup.add_argument(
        "path",
        type=Path,
        metavar="PATH",
        help="the file to write; with --keep, the folder the copies go in",
    )
    how = backup.add_mutually_exclusive_group()
    how.add_argument("--force", action="store_true", help="replace PATH if it exists")
    how.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="write a dated copy into the folder PATH, keep the newest N (N ≥ 1)",
    )
    restore = _command(
        commands,
        "restore",
        "replace the database with a backup (stop the bot first)",
        "Refused while a bot runs on the database, and for a file that is not an intact\n"
        "pressbot database. The database it replaces is kept beside it, as\n"
        "<name>.before-restore-<UTC time>.",
    )
    restore.add_argument("path", type=Path, metavar="PATH", help="the backup to put in place")


def _reporting(commands: Commands) -> None:
    audit = _command(
        commands,
        "audit",
        "export the audit trail: who did what, when",
        "Every admin action (publish, correct, withdraw, approve, team changes) as CSV or\n"
        "JSON on standard output.",
    )
    audit.add_argument(
        "--since", metavar="DATE", help="from this date (UTC) or ISO time on (default: all)"
    )
    audit.add_argument("--format", default="csv", metavar="csv|json", help="(default: csv)")
    report = _command(
        commands,
        "report",
        "export how each release did: reach and reads, or one's deliveries",
        "As CSV or JSON on standard output, a row a release (or a chat, with --deliveries).",
    )
    report.add_argument(
        "item", nargs="?", metavar="ID", help="one release only: the item's id (as /stats shows)"
    )
    report.add_argument(
        "--since",
        metavar="DATE",
        help="releases from this date (UTC) or ISO time on (default: all)",
    )
    report.add_argument(
        "--until", metavar="DATE", help="releases before this ISO time, or up to this date's end"
    )
    report.add_argument(
        "--deliveries", action="store_true", help="with ID: its deliveries, one row a chat"
    )
    report.add_argument("--format", default="csv", metavar="csv|json", help="(default: csv)")
