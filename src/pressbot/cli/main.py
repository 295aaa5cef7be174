"""The command line's dispatch: each sub-command (cli/arguments.py) to the function doing it."""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from pressbot.bot.context import utc_now
from pressbot.cli.arguments import build_parser
from pressbot.cli.audit import export_audit
from pressbot.cli.export import ExportError, check_format, parse_since
from pressbot.cli.instance_lock import DatabaseInUseError, hold_database_lock
from pressbot.cli.maintenance import backup_database, backup_into, restore_database
from pressbot.cli.report import export_report, report_request
from pressbot.config import MissingSettingError, Settings, describe_settings_error
from pressbot.ingest.items_file import ItemsFileError, import_items_file
from pressbot.logs import configure_logging
from pressbot.storage import open_database
from pressbot.storage.backup import BackupError
from pressbot.storage.connection import DatabaseError

#: A setting or a file to fix before trying again: said in one line on stderr, never retried
#: by itself (a token Telegram refuses, a database that can't be opened or is too new...).
#: 1 is an error while running, logged with its traceback; 0 a stop on SIGTERM or SIGINT.
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
        if args.command == "run":
            return _run(settings)
        if args.command == "console":
            return _console(settings, args.db, admin=args.admin, language=args.language)
        if args.command in ("backup", "restore", "audit", "report"):
            return _maintain(settings, args)
        if args.command == "import-url":
            return asyncio.run(_import_url(settings, args.url, args.language))
        return asyncio.run(_import(settings, args.files))
    except ValidationError as error:
        print(f"pressbot: {describe_settings_error(error)}", file=sys.stderr)
    except (
        MissingSettingError,
        ItemsFileError,
        BackupError,
        ExportError,
        DatabaseInUseError,
        DatabaseError,
    ) as error:
        print(f"pressbot: {error}", file=sys.stderr)
    return EXIT_USAGE


def _run(settings: Settings) -> int:
    # Imported here so that `pressbot import` does not pay for python-telegram-bot.
    from pressbot.server.app import build_application  # noqa: PLC0415
    from pressbot.server.runner import TokenRefusedError, run  # noqa: PLC0415

    token = settings.require_token()
    secrets = [token, token.partition(":")[2]]
    if settings.webhook_secret is not None:  # a generated one is never logged at all
        secrets.append(settings.webhook_secret.get_secret_value())
    configure_logging(secrets, log_format=settings.log_format)
    try:
        with hold_database_lock(settings.db_path):  # one bot per database; restore checks it
            return run(build_application(settings), settings)
    except TokenRefusedError as error:
        print(f"pressbot: {error}", file=sys.stderr)
        return EXIT_USAGE


def _console(settings: Settings, db_path: Path, *, admin: bool, language: str | None) -> int:
    from pressbot.console import run_console  # noqa: PLC0415 - python-telegram-bot, as _run

    with hold_database_lock(db_path):
        return run_console(settings, db_path, admin=admin, language=language)


def _maintain(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "report":
        return _report(settings, args)
    if args.command == "audit":
        since, chosen = parse_since(args.since), check_format(args.format)
        return export_audit(settings.db_path, since, chosen, sys.stdout)
    if args.command == "backup" and args.keep is not None:
        print(backup_into(settings.db_path, args.path, args.keep, utc_now()))
    elif args.command == "backup":
        print(backup_database(settings.db_path, args.path, force=args.force))
    else:
        print(restore_database(settings.db_path, args.path, utc_now()))
    return 0


def _report(settings: Settings, args: argparse.Namespace) -> int:
    request = report_request(
        args.item,
        since=args.since,
        until=args.until,
        chosen=args.format,
        deliveries=args.deliveries,
    )
    if isinstance(sys.stdout, io.TextIOWrapper):  # titles in any language, whatever the locale
        sys.stdout.reconfigure(encoding="utf-8")
    return asyncio.run(export_report(settings.db_path, request, sys.stdout))


async def _import(settings: Settings, files: Sequence[Path]) -> int:
    database = await open_database(settings.db_path)
    try:
        for path in files:
            report = await import_items_file(database, path, utc_now(), settings.kinds)
            print(
                f"{path}: {report.items_added} of {report.items_in_file} items added,"
                f" {report.items_in_file - report.items_added} already there;"
                f" {report.contacts_changed} contacts added or changed"
            )
    finally:
        await database.close()
    return 0


async def _import_url(settings: Settings, url: str, language: str) -> int:
    from pressbot.cli.import_url import import_url  # noqa: PLC0415 - httpx, bs4
    from pressbot.ingest.entries import SourceError  # noqa: PLC0415

    database = await open_database(settings.db_path)
    try:
        await import_url(
            database,
            url,
            language=language,
            kinds=settings.feed_kinds,
            time_limit=settings.feed_timeout,
            now=utc_now(),
            out=sys.stdout,
            err=sys.stderr,
        )
    except SourceError as error:
        print(f"pressbot: {url}: {error}", file=sys.stderr)
        return 1
    finally:
        await database.close()
    return 0
