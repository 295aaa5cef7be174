"""Items' versions in other languages (item_translations), and drafts' versions (JSON).

An item's own title and body_html are in its language (items.language); every other version
is a row here. Reads take them with the item as one JSON column, as media are taken.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import aiosqlite

from pressbot.core.models import Version

#: An item's translations as one JSON column of its row: [[language, title, body, revision]].
TRANSLATIONS_COLUMN = (
    "(SELECT json_group_array(json_array(t.language, t.title, t.body_html, t.revision))"
    " FROM item_translations AS t WHERE t.item_id = items.id)"
)


def title_column(language_parameter: str = "?") -> str:
    """The title of an item's row as a reader of the language bound to the parameter sees
    it: the translation's when there is one, else the item's own."""
    return (
        "coalesce((SELECT t.title FROM item_translations AS t WHERE t.item_id = items.id"  # noqa: S608 - a fixed column
        f" AND t.language = {language_parameter} AND items.language != t.language),"
        " items.title)"
    )


def translations_from_column(text: str | None) -> tuple[Version, ...]:
    """The translations of TRANSLATIONS_COLUMN, in language order."""
    rows = sorted(json.loads(text or "[]"))
    return tuple(Version(str(row[0]), str(row[1]), str(row[2]), int(row[3])) for row in rows)


async def write_translations(
    db: aiosqlite.Connection, item_id: int, language: str, versions: Sequence[Version]
) -> None:
    """Store the item's versions other than its own (`language`), replacing those in the
    same languages, inside the caller's transaction; a version not named stays."""
    for version in versions:
        if version.language == language:
            continue
        await db.execute(
            "INSERT INTO item_translations (item_id, language, title, body_html, revision)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (item_id, language) DO UPDATE SET"
            " title = excluded.title, body_html = excluded.body_html,"
            " revision = excluded.revision",
            (item_id, version.language, version.title, version.body_html, version.revision),
        )


def encode_versions(versions: Sequence[Version]) -> str:
    """A draft's finished versions as its JSON column holds them."""
    return json.dumps(
        [{"language": v.language, "title": v.title, "body_html": v.body_html} for v in versions],
        ensure_ascii=False,
    )


def decode_versions(text: str | None) -> tuple[Version, ...]:
    """The versions of a draft's JSON column, in the order written."""
    return tuple(
        Version(str(v["language"]), str(v["title"]), str(v["body_html"]))
        for v in json.loads(text or "[]")
    )
