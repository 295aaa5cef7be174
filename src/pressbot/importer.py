"""Items files: pressbot's plain JSON format for items and contacts, and loading them.

A file looks like data/press_page_2018-10-18.json: {"format": "pressbot-items/1",
"source": ..., "contacts": [...], "items": [...]}, items newest first as on a press page.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pressbot.clock import embassy_midnight
from pressbot.kinds import BUILT_IN_KINDS, KIND_NAME
from pressbot.models import Contact, Kind, NewItem
from pressbot.rendering import html_to_plain, plain_text_to_html
from pressbot.storage import Database

SEEDED_KEY = "seeded_from_data_dir"


class ItemsFileError(Exception):
    """An items file that cannot be read; the message says where and why."""


class _FileItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind = Field(pattern=KIND_NAME.pattern)
    published: date | datetime
    title: str = Field(min_length=1)
    body: str = Field(min_length=1)
    uid: str | None = Field(default=None, min_length=1)
    source: str | None = None

    @field_validator("title", "body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("published")
    @classmethod
    def _aware(cls, value: date | datetime) -> date | datetime:
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError("a time needs its offset, e.g. 2018-10-15T09:30:00+01:00")
        return value


class _FileContact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1)
    phone: str = Field(min_length=1)
    email: str = Field(min_length=3)


class _ItemsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["pressbot-items/1"]
    source: str = ""
    contacts: list[_FileContact] = []
    items: list[_FileItem] = []


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did."""

    items_in_file: int
    items_added: int
    contacts_changed: int


def item_uid(published: date | datetime, title: str) -> str:
    """Identify an item without an explicit uid by its date and title."""
    digest = hashlib.sha256(f"{published.isoformat()}\n{title}".encode()).hexdigest()
    return f"sha256:{digest[:32]}"


def read_items_file(
    path: Path, kinds: Collection[Kind] = BUILT_IN_KINDS
) -> tuple[list[NewItem], list[Contact]]:
    """Parse and check an items file; raise ItemsFileError with a clear message when it is bad.

    `kinds` are the kinds an item may have: the built-in ones and PRESSBOT_EXTRA_KINDS.
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        document = _ItemsFile.model_validate(raw)
    except OSError as error:
        raise ItemsFileError(f"{path}: cannot read: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise ItemsFileError(f"{path}: not JSON: {error.msg} at line {error.lineno}") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ItemsFileError(f"{path}: {where}: {first['msg']}") from None
    for number, entry in enumerate(document.items):
        if entry.kind not in kinds:
            raise ItemsFileError(
                f"{path}: items.{number}.kind: {entry.kind!r} is not one of {', '.join(kinds)}"
            )
    # Files list items newest first; storing oldest first keeps that order for equal dates.
    items = [
        NewItem(
            uid=entry.uid or item_uid(entry.published, entry.title),
            kind=entry.kind,
            title=entry.title,
            body_html=plain_text_to_html(entry.body),
            published_at=(
                entry.published
                if isinstance(entry.published, datetime)
                else embassy_midnight(entry.published)
            ),
            source=entry.source or document.source,
        )
        for entry in reversed(document.items)
    ]
    contacts = [Contact(c.label, c.phone, c.email) for c in document.contacts]
    return items, contacts


async def import_items_file(
    database: Database, path: Path, now: datetime, kinds: Collection[Kind] = BUILT_IN_KINDS
) -> ImportReport:
    """Load an items file; items already stored (same uid) are left as they are."""
    items, contacts = await asyncio.to_thread(read_items_file, path, kinds)
    plain = [html_to_plain(item.body_html) for item in items]
    added = await database.items.add_many(items, plain, now)
    changed = await database.contacts.put_many(contacts)
    return ImportReport(len(items), added, changed)


def default_data_dir() -> Path:
    """Return data/ of a source checkout, else the copy packaged with pressbot."""
    checkout = Path(__file__).resolve().parents[2] / "data"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("pressbot") / "data"))


async def seed_if_new(database: Database, data_dir: Path, now: datetime) -> list[ImportReport]:
    """Fill a new database from every items file in data_dir, once in its life."""
    if await database.meta.get(SEEDED_KEY) is not None:
        return []
    paths = await asyncio.to_thread(lambda: sorted(data_dir.glob("*.json")))
    reports = [await import_items_file(database, path, now) for path in paths]
    await database.meta.put(SEEDED_KEY, now.isoformat())
    return reports
