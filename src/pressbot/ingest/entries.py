"""What a feed or page yields: entries, each known by one identity, and their kinds."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from pressbot.core.media import Attachment
from pressbot.core.models import Kind, NewItem
from pressbot.ingest.items_file import item_uid


class SourceError(Exception):
    """A source that could not be fetched or read; the message says why, for admins."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One release found on a website, with Telegram-safe `body_html` and its media."""

    uid: str
    kind: Kind
    title: str
    body_html: str
    published_at: datetime
    link: str
    media: tuple[Attachment, ...] = ()  # photos, videos and documents Telegram fetches

    @property
    def content_hash(self) -> str:
        """Changes whenever the title or the text does: a changed entry is a correction.

        The media are left out on purpose: hashes stored before entries had media must still
        match, or every release of a feed with pictures would be corrected after an upgrade.
        A change of the text corrects the item's words (its media stay), a change of the
        media alone is not noticed.
        """
        return hashlib.sha256(f"{self.title}\n{self.body_html}".encode()).hexdigest()

    def as_item(self, language: str) -> NewItem:
        """The item this entry becomes, written in its source's language."""
        return NewItem(
            uid=self.uid,
            kind=self.kind,
            title=self.title,
            body_html=self.body_html,
            published_at=self.published_at,
            source=self.link,
            media=self.media,
            language=language,
        )


def entry_uid(
    source_url: str,
    guid: str | None,
    link: str | None,
    published: date | datetime | None,
    title: str,
) -> str:
    """Identify an entry: by its guid (within its source), else its link, else date and title.

    Links are absolute, so the same release seen through a feed and a page is one item; the
    date-and-title hash is the data/ importer's, so a page listing the seeded releases adds
    nothing. An entry without a date is known by its title alone (never by the poll's time).
    """
    if guid and guid.strip():
        digest = hashlib.sha256(f"{source_url}\n{guid.strip()}".encode()).hexdigest()
        return f"guid:{digest[:32]}"
    if link and link.strip():
        return f"link:{link.strip()}"
    if published is None:
        digest = hashlib.sha256(f"{source_url}\n{title}".encode()).hexdigest()
        return f"title:{digest[:32]}"
    return item_uid(published, title)
