"""Photos, videos and documents a release carries, and Telegram's rules for sending them.

An attachment is on Telegram once it has a `file_id` (an admin sent it to the bot, or a first
send returned one): every copy reuses that id, nothing is downloaded or uploaded. Until then it
is a `url` Telegram fetches, or a local `path` the bot uploads, on first use.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final


class MediaKind(enum.StrEnum):
    """What an attachment is; photos and videos share an album, documents have their own."""

    PHOTO = "photo"
    VIDEO = "video"
    DOCUMENT = "document"


#: Telegram's album: 2 to 10 messages.
ALBUM_LIMIT: Final = 10
#: A caption: 1,024 characters after entities are parsed.
CAPTION_LIMIT: Final = 1024
#: What the bot may upload from a file (10 MB for a photo, 50 MB for anything else) and what
#: Telegram fetches from a URL (5 MB and 20 MB).
UPLOAD_LIMITS: Final = {MediaKind.PHOTO: 10 * 2**20, "other": 50 * 2**20}
URL_LIMITS: Final = {MediaKind.PHOTO: 5 * 2**20, "other": 20 * 2**20}


@dataclass(frozen=True, slots=True)
class Attachment:
    """One photo, video or document of a release, as stored and as sent."""

    kind: MediaKind
    file_id: str | None = None  # Telegram's id, once Telegram has the file
    url: str | None = None  # fetched by Telegram the first time
    path: str | None = None  # a local file, uploaded the first time
    file_name: str | None = None
    size: int | None = None  # bytes, when known
    width: int | None = None
    height: int | None = None

    def __post_init__(self) -> None:
        if self.file_id is None and self.url is None and self.path is None:
            raise ValueError("an attachment needs a file_id, a url or a path")

    @property
    def on_telegram(self) -> bool:
        """True when copies can reuse Telegram's file_id."""
        return self.file_id is not None

    @property
    def visual(self) -> bool:
        """A photo or a video: shown in the chat, albumed with the other photos and videos."""
        return self.kind is not MediaKind.DOCUMENT


def size_limit(kind: MediaKind, *, by_url: bool) -> int:
    """The largest file Telegram takes of this kind, fetched from a URL or uploaded."""
    limits = URL_LIMITS if by_url else UPLOAD_LIMITS
    return limits.get(kind, limits["other"])


def groups(media: Sequence[Attachment]) -> list[tuple[Attachment, ...]]:
    """The sends a release's media take, in order: photos and videos first (an album of up to
    ten each), then documents (an album of documents); a group of one is a single message."""
    visual = [a for a in media if a.visual]
    documents = [a for a in media if not a.visual]
    return [
        tuple(part[start : start + ALBUM_LIMIT])
        for part in (visual, documents)
        for start in range(0, len(part), ALBUM_LIMIT)
    ]


def too_many(media: Sequence[Attachment]) -> bool:
    """True when a release would carry more than one album of each: ten photos and videos,
    ten documents."""
    visual = sum(1 for a in media if a.visual)
    return visual > ALBUM_LIMIT or len(media) - visual > ALBUM_LIMIT


def carry_file_ids(old: Sequence[Attachment], new: Sequence[Attachment]) -> tuple[Attachment, ...]:
    """`new`, where an attachment from the same URL or file as one of `old` keeps its file_id:
    a correction that leaves a photo as it was never sends it anew."""
    known = {(a.kind, a.url or a.path): a for a in old if a.on_telegram and (a.url or a.path)}
    return tuple(a if a.on_telegram else known.get((a.kind, a.url or a.path), a) for a in new)
