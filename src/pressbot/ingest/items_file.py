"""Items files: pressbot's plain JSON format for items and contacts, and loading them.

A file looks like data/press_page_2018-10-18.json: {"format": "pressbot-items/1",
"source": ..., "contacts": [...], "items": [...]}, items newest first as on a press page.
An item may carry "media": [{"photo": "https://…"}, {"document": "statement.pdf",
"name": "Statement.pdf"}, {"video": "…"}]: a URL Telegram fetches, or a file next to the
items file (or any path relative to its folder, or absolute) that the bot uploads.
An item is in English unless its "language" says "ru", and may carry its other versions:
"translations": {"ru": {"title": …, "body": …}}; a contact its label's: {"ru": "…"}.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pressbot.core.clock import embassy_midnight
from pressbot.core.kinds import BUILT_IN_KINDS, KIND_NAME
from pressbot.core.languages import ENGLISH, LANGUAGES
from pressbot.core.media import ALBUM_LIMIT, Attachment, MediaKind
from pressbot.core.models import Contact, Kind, NewItem, Version
from pressbot.ingest.media import FileMedia
from pressbot.storage import Database
from pressbot.texts.markup import plain_text_to_html

SEEDED_KEY = "seeded_from_data_dir"
#: An items file larger than this is refused: the seed page is 30 kB; split a bigger archive.
MAX_ITEMS_FILE_BYTES = 20 * 1024 * 1024
#: The instants an item may be published at: what is stored, and sorted, without overflow.
EARLIEST_PUBLISHED = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_PUBLISHED = datetime(3000, 1, 1, tzinfo=UTC)


class ItemsFileError(Exception):
    """An items file that cannot be read; the message says where and why."""


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


class _FileTranslation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    body: str = Field(min_length=1)

    _words = field_validator("title", "body")(_not_blank)


class _FileItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind = Field(pattern=KIND_NAME.pattern)
    published: date | datetime
    title: str = Field(min_length=1)
    body: str = Field(min_length=1)
    uid: str | None = Field(default=None, min_length=1)
    source: str | None = None
    media: tuple[FileMedia, ...] = ()
    language: str = ENGLISH
    translations: dict[str, _FileTranslation] = {}

    @field_validator("media")
    @classmethod
    def _one_album_each(cls, value: tuple[FileMedia, ...]) -> tuple[FileMedia, ...]:
        visual = sum(1 for media in value if media.kind is not MediaKind.DOCUMENT)
        if visual > ALBUM_LIMIT or len(value) - visual > ALBUM_LIMIT:
            raise ValueError(
                f"at most {ALBUM_LIMIT} photos and videos and {ALBUM_LIMIT} documents an item"
            )
        return value

    _words = field_validator("title", "body")(_not_blank)

    @field_validator("published")
    @classmethod
    def _aware(cls, value: date | datetime) -> date | datetime:
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError("a time needs its offset, e.g. 2018-10-15T09:30:00+01:00")
        instant = value if isinstance(value, datetime) else embassy_midnight(value)
        if not is_publishable(instant):
            raise ValueError(
                f"must be in the years {EARLIEST_PUBLISHED.year} to {LATEST_PUBLISHED.year - 1}"
            )
        return value


class _FileContact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1)
    phone: str = Field(min_length=1)
    email: str = Field(min_length=3)
    translations: dict[str, str] = {}  # the label in other languages: {"ru": "…"}

    @field_validator("translations")
    @classmethod
    def _labels_not_blank(cls, value: dict[str, str]) -> dict[str, str]:
        return {language: _not_blank(label) for language, label in value.items()}


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


def is_publishable(moment: datetime) -> bool:
    """Whether an aware instant is one an item may be published at (see LATEST_PUBLISHED)."""
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-12:00 is in the year 10000 in UTC
        return False
    return EARLIEST_PUBLISHED <= utc < LATEST_PUBLISHED


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
        raw = json.loads(_decode(path, _read_at_most(path, MAX_ITEMS_FILE_BYTES)))
        document = _ItemsFile.model_validate(raw)
    except OSError as error:
        raise ItemsFileError(f"{path}: cannot read: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise ItemsFileError(f"{path}: not JSON: {error.msg} at line {error.lineno}") from None
    except RecursionError:
        raise ItemsFileError(f"{path}: not an items file: nested too deeply") from None
    except ValidationError as error:  # before ValueError, which it is too
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ItemsFileError(f"{path}: {where}: {first['msg']}") from None
    except ValueError:  # json's last refusal: an integer of over 4300 digits
        raise ItemsFileError(f"{path}: not an items file: a number too long") from None
    for number, entry in enumerate(document.items):
        if entry.kind not in kinds:
            raise ItemsFileError(
                f"{path}: items.{number}.kind: {entry.kind!r} is not one of {', '.join(kinds)}"
            )
        _check_languages(path, f"items.{number}", entry.language, entry.translations)
    for number, contact in enumerate(document.contacts):
        _check_languages(path, f"contacts.{number}", ENGLISH, contact.translations)
    media = [_attachments(path, number, entry) for number, entry in enumerate(document.items)]
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
            media=attachments,
            language=entry.language,
            translations=tuple(
                Version(language, version.title, plain_text_to_html(version.body))
                for language, version in sorted(entry.translations.items())
            ),
        )
        for entry, attachments in reversed(list(zip(document.items, media, strict=True)))
    ]
    contacts = [Contact(c.label, c.phone, c.email, c.translations) for c in document.contacts]
    return items, contacts


def _check_languages(path: Path, where: str, own: str, translations: Collection[str]) -> None:
    """An item's (or a contact's) language and its translations' are the bot's, each once."""
    known = ", ".join(LANGUAGES)
    if own not in LANGUAGES:
        raise ItemsFileError(f"{path}: {where}.language: {own!r} is not one of {known}")
    for language in translations:
        if language not in LANGUAGES:
            raise ItemsFileError(
                f"{path}: {where}.translations: {language!r} is not one of {known}"
            )
        if language == own:
            raise ItemsFileError(
                f"{path}: {where}.translations.{language}: a translation into the language"
                f" it is written in ({own}); give translations in the other languages only"
            )


def _attachments(path: Path, number: int, entry: _FileItem) -> tuple[Attachment, ...]:
    """An item's media: URLs as given, files relative to the items file's folder, checked."""
    found = []
    for index, media in enumerate(entry.media):
        try:
            found.append(media.attachment(path.parent))
        except ValueError as error:
            where = f"items.{number}.media.{index}.{media.kind}"
            raise ItemsFileError(f"{path}: {where}: {error}") from None
    return tuple(found)


def _read_at_most(path: Path, limit: int) -> bytes:
    """The file's bytes; ItemsFileError past ``limit`` (/dev/zero, or a disk image, ends)."""
    with path.open("rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise ItemsFileError(
            f"{path}: too large: more than {limit // (1024 * 1024)} MB; split it into files"
        )
    return data


#: Byte order marks, longest first (UTF-32's begins with UTF-16's), and what they mean.
_BOMS = (
    (codecs.BOM_UTF32_LE, None),
    (codecs.BOM_UTF32_BE, None),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(path: Path, data: bytes) -> str:
    """Text of UTF-8 (with or without a BOM) or UTF-16 with its BOM; ItemsFileError else."""
    encoding = next((meant for bom, meant in _BOMS if data.startswith(bom)), "utf-8")
    if encoding is not None:
        with contextlib.suppress(UnicodeError):
            text = data.decode(encoding)
            if "\x00" not in text:  # JSON never holds a raw NUL: UTF-16 or -32 without a BOM
                return text
    raise ItemsFileError(
        f"{path}: not UTF-8 text (nor UTF-16 with a byte order mark):"
        " save it as UTF-8 and import it again"
    )


async def import_items_file(
    database: Database, path: Path, now: datetime, kinds: Collection[Kind] = BUILT_IN_KINDS
) -> ImportReport:
    """Load an items file; items already stored (same uid) are left as they are."""
    items, contacts = await asyncio.to_thread(read_items_file, path, kinds)
    added = await database.items.add_many(items, now)
    changed = await database.contacts.put_many(contacts)
    return ImportReport(len(items), added, changed)


def default_data_dir() -> Path:
    """Return data/ of a source checkout, else the copy packaged with pressbot."""
    checkout = Path(__file__).resolve().parents[3] / "data"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("pressbot") / "data"))


async def seed_if_new(
    database: Database, data_dir: Path, now: datetime, *, enabled: bool = True
) -> list[ImportReport]:
    """Fill a new database from every items file in data_dir, once in its life.

    The first start decides: with ``enabled`` false (PRESSBOT_SEED=false) it records that the
    database was not seeded, so a later start with seeding on leaves it alone too. A folder
    that does not exist or holds no items file is an ItemsFileError, and nothing is recorded.
    """
    if await database.meta.get(SEEDED_KEY) is not None:
        return []
    if not enabled:
        await database.meta.put(SEEDED_KEY, NOT_SEEDED)
        return []
    paths = await asyncio.to_thread(_seed_files, data_dir)
    reports = [await import_items_file(database, path, now) for path in paths]
    await database.meta.put(SEEDED_KEY, now.isoformat())
    return reports


#: SEEDED_KEY's value for a database whose first start had PRESSBOT_SEED=false.
NOT_SEEDED = "not seeded (PRESSBOT_SEED=false)"


def _seed_files(data_dir: Path) -> list[Path]:
    if not data_dir.is_dir():
        what = "is not a folder" if data_dir.exists() else "does not exist"
        raise ItemsFileError(f"PRESSBOT_DATA_DIR {data_dir} {what}{_SEED_HINT}")
    paths = sorted(data_dir.glob("*.json"))
    if not paths:
        raise ItemsFileError(
            f"PRESSBOT_DATA_DIR {data_dir} holds no items file (*.json){_SEED_HINT}"
        )
    return paths


_SEED_HINT = "; set PRESSBOT_SEED=false to start without the seed items"
