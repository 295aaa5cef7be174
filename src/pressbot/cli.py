"""The command line: `pressbot run` and `pressbot import FILE`; thin over the rest."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from pressbot.config import MissingSettingError, Settings, describe_settings_error
from pressbot.importer import ItemsFileError, import_items_file
from pressbot.logs import configure_logging
from pressbot.services import utc_now
from pressbot.storage import open_database

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pressbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (long polling)")
    importing = commands.add_parser("import", help="load items files into the database")
    importing.add_argument("files", nargs="+", type=Path, metavar="FILE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
        if args.command == "run":
            return _run(settings)
        return asyncio.run(_import(settings, args.files))
    except ValidationError as error:
        print(f"pressbot: {describe_settings_error(error)}", file=sys.stderr)
    except (MissingSettingError, ItemsFileError) as error:
        print(f"pressbot: {error}", file=sys.stderr)
    return EXIT_USAGE


def _run(settings: Settings) -> int:
    # Imported here so that `pressbot import` does not pay for python-telegram-bot.
    from pressbot.app import build_application, run_polling  # noqa: PLC0415

    token = settings.require_token()
    configure_logging([token, token.partition(":")[2]])
    run_polling(build_application(settings))
    return 0


async def _import(settings: Settings, files: Sequence[Path]) -> int:
    database = await open_database(settings.db_path)
    try:
        for path in files:
            report = await import_items_file(database, path, utc_now())
            print(
                f"{path}: {report.items_added} of {report.items_in_file} items added,"
                f" {report.items_in_file - report.items_added} already there;"
                f" {report.contacts_changed} contacts added or changed"
            )
    finally:
        await database.close()
    return 0
