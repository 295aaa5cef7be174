"""Media on the website or in an items file -> attachments, by one set of rules.

What kind a file is (by its MIME type, else by its name's suffix), which URLs Telegram may
fetch (absolute http and https ones), and what a release keeps of what was found: each URL
once, nothing Telegram would refuse for its size, one album of photos and videos and one of
documents (core.media.too_many). Delivery sends them; this only finds them.
"""

from __future__ import annotations

import math
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from pressbot.core.media import Attachment, MediaKind, size_limit, too_many

#: Files an items file may give as photos: what Telegram shows as one.
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})
#: Documents Telegram fetches by URL: "currently only GIF, PDF and ZIP files" (the Bot API's
#: sendDocument); a Word file on the website can't be sent that way, so it is not taken.
DOCUMENT_SUFFIXES = frozenset({".pdf", ".zip", ".gif"})
#: Links in a page's article that become documents: PDFs only (a statement, a note verbale).
PAGE_DOCUMENT_SUFFIXES = frozenset({".pdf"})
_DOCUMENT_TYPES = frozenset({"application/pdf", "application/zip", "image/gif"})
_PHOTO_TYPES = frozenset(
    {"image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/gif", "image/webp"}
)
_VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".mov", ".webm", ".mpeg", ".mpg"})
#: Images Telegram does not show as photos (icons, vector drawings, print formats).
_OTHER_IMAGE_SUFFIXES = frozenset(
    {".svg", ".svgz", ".ico", ".bmp", ".tif", ".tiff", ".heic", ".heif", ".avif"}
)
_WEB_SCHEMES = frozenset({"http", "https"})
_DIGITS = re.compile(r"[0-9]{1,15}")


def web_url(href: str, base: str = "") -> str:
    """`href` made absolute against `base`, without its #fragment, when it is http(s); else ""
    (data: URIs, javascript:, ftp:, a path with no base)."""
    href = href.strip()
    if not href:
        return ""
    absolute = urldefrag(urljoin(base, href) if base else href).url
    parts = urlsplit(absolute)
    return absolute if parts.scheme.lower() in _WEB_SCHEMES and parts.netloc else ""


def url_suffix(url: str) -> str:
    """The lower-case suffix of a URL's last path segment: ".pdf"; "" when it has none."""
    name = urlsplit(url).path.rpartition("/")[2]
    stem, dot, suffix = name.rpartition(".")
    return f".{suffix.lower()}" if dot and stem else ""


def url_file_name(url: str) -> str | None:
    """A URL's last path segment, unquoted ("Statement 12.pdf"); None when it ends in "/"."""
    return unquote(urlsplit(url).path.rpartition("/")[2]).strip() or None


def kind_of(mime: str, url: str) -> MediaKind:
    """image/* is a photo when Telegram shows that type as one (else a document), video/* a
    video, any other type a document; with no type, the URL's suffix decides the same way."""
    mime = mime.partition(";")[0].strip().lower()
    if not mime:
        suffix = url_suffix(url)
        if suffix in PHOTO_SUFFIXES:
            return MediaKind.PHOTO
        return MediaKind.VIDEO if suffix in _VIDEO_SUFFIXES else MediaKind.DOCUMENT
    if mime.startswith("image/"):
        return MediaKind.PHOTO if mime in _PHOTO_TYPES else MediaKind.DOCUMENT
    return MediaKind.VIDEO if mime.startswith("video/") else MediaKind.DOCUMENT


def fetchable_document(mime: str, url: str) -> bool:
    """Whether Telegram fetches a document from this URL: a PDF, a ZIP or a GIF, by its
    declared type, else by its suffix."""
    mime = mime.partition(";")[0].strip().lower()
    return mime in _DOCUMENT_TYPES if mime else url_suffix(url) in DOCUMENT_SUFFIXES


def shows_as_photo(mime: str, url: str) -> bool:
    """Whether an image (an <img>, a media:content image) is one to send as a photo: by its
    type when declared, else by the URL, which often has no suffix at all (/image?id=7)."""
    mime = mime.partition(";")[0].strip().lower()
    if mime:
        return mime in _PHOTO_TYPES
    return url_suffix(url) not in _OTHER_IMAGE_SUFFIXES


def positive_int(value: object) -> int | None:
    """A declared length or dimension ("12345"), when it is a positive integer; else None."""
    text = str(value if value is not None else "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    return int(text) or None


def web_attachment(
    kind: MediaKind,
    url: str,
    *,
    file_name: str | None = None,
    size: int | None = None,
    width: int | None = None,
    height: int | None = None,
) -> Attachment:
    """What Telegram fetches from `url`; a document is named `file_name`, else after the URL's
    last segment."""
    name = (file_name or url_file_name(url)) if kind is MediaKind.DOCUMENT else None
    return Attachment(kind, url=url, file_name=name, size=size, width=width, height=height)


def keep(found: Iterable[Attachment]) -> tuple[Attachment, ...]:
    """What a release found on the website carries, in order: each URL once (the first one
    seen), none declared larger than Telegram fetches, at most ten photos and videos and ten
    documents; the rest is dropped."""
    seen: set[str | None] = set()
    kept: list[Attachment] = []
    for attachment in found:
        if attachment.url in seen:
            continue
        seen.add(attachment.url)
        if attachment.size is not None and attachment.size > size_limit(
            attachment.kind, by_url=True
        ):
            continue  # Telegram would refuse to fetch it
        if not too_many([*kept, attachment]):
            kept.append(attachment)
    return tuple(kept)


class FileMedia(BaseModel):
    """One of an items file's item's "media": {"photo": …}, {"video": …} or {"document": …,
    "name": …}, each an http(s) URL or a path relative to the items file's folder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    photo: str | None = None
    video: str | None = None
    document: str | None = None
    name: str | None = None  # a document's file name, as readers see it

    @field_validator("photo", "video", "document", "name")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is None or value.strip():
            return value and value.strip()
        raise ValueError("must not be blank")

    @model_validator(mode="after")
    def _one_file(self) -> FileMedia:
        given = [kind for kind in MediaKind if getattr(self, kind.value) is not None]
        if len(given) != 1:
            raise ValueError('needs one of "photo", "video" or "document", and only one')
        if self.name is not None and given != [MediaKind.DOCUMENT]:
            raise ValueError('"name" is for a document only')
        return self

    @property
    def kind(self) -> MediaKind:
        return next(kind for kind in MediaKind if getattr(self, kind.value) is not None)

    def attachment(self, folder: Path) -> Attachment:
        """An http(s) URL for Telegram to fetch, else the file the bot uploads, its path
        relative to `folder` (or absolute); ValueError saying why it cannot be."""
        value = str(getattr(self, self.kind.value))
        if url := web_url(value):
            if self.kind is MediaKind.DOCUMENT and not fetchable_document("", url):
                raise ValueError(
                    f"{url}: Telegram fetches only PDF, ZIP and GIF documents by URL;"
                    " give the file's path instead"
                )
            return web_attachment(self.kind, url, file_name=self.name)
        if "://" in value:
            raise ValueError(f"{value}: not an http:// or https:// URL")
        return local_attachment(self.kind, (folder / value).resolve(), self.name)


def local_attachment(kind: MediaKind, path: Path, name: str | None = None) -> Attachment:
    """What the bot uploads from the file at absolute `path`; ValueError saying why not."""
    if kind is MediaKind.PHOTO and path.suffix.lower() not in PHOTO_SUFFIXES:
        raise ValueError(f"{path}: a photo must be a .jpg, .jpeg, .png, .gif or .webp file")
    try:
        status = path.stat()
        if stat.S_ISREG(status.st_mode):
            with path.open("rb"):
                pass  # readable by the bot, which uploads it later
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except OSError as error:
        raise ValueError(f"{path}: cannot read: {error.strerror or error}") from None
    if not stat.S_ISREG(status.st_mode):
        raise ValueError(f"{path}: not a regular file")
    if status.st_size == 0:
        raise ValueError(f"{path}: the file is empty")
    limit = size_limit(kind, by_url=False)
    if status.st_size > limit:
        raise ValueError(
            f"{path}: too large: {math.ceil(status.st_size * 10 / 2**20) / 10:g} MB;"
            f" Telegram takes {kind}s of up to {limit // 2**20} MB"
        )
    file_name = (name or path.name) if kind is MediaKind.DOCUMENT else None
    return Attachment(kind, path=str(path), file_name=file_name, size=status.st_size)
