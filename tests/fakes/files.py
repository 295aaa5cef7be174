"""Files in the fake Telegram: every file it learns gets a file_id it remembers.

A file arrives uploaded (multipart, or ``attach://<part>`` from an InputMedia), fetched from an
HTTP(S) URL (really fetched, with Telegram's size limits), or sent by a user. Each becomes a
StoredFile under a new file_id, which the bot may send again, ask getFile for, and download at
/file/bot<token>/<file_path>. Errors are Telegram's; none is a violation: a correct bot must expect
a URL that fails or a file too big, since only Telegram sees the file.
"""

from __future__ import annotations

import itertools
import logging
import mimetypes
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from .images import image_size, png
from .models import ApiError, JsonDict, UploadedFile

logger = logging.getLogger(__name__)

MB = 1024 * 1024
PHOTO_UPLOAD_LIMIT, UPLOAD_LIMIT = 10 * MB, 50 * MB
PHOTO_URL_LIMIT, URL_LIMIT = 5 * MB, 20 * MB
DOWNLOAD_LIMIT = 20 * MB  # getFile serves files of up to 20 MB
PHOTO_SIDES_LIMIT, PHOTO_RATIO_LIMIT = 10000, 20
THUMBNAIL_SIDE = 90
WRONG_FILE = "wrong file identifier/HTTP URL specified"
URL_FAILED = "failed to get HTTP URL content"
TOO_BIG = "file is too big"
# sendDocument by URL "will currently only work for GIF, PDF and ZIP files" (the docs).
DOCUMENT_URL_TYPES = frozenset({"image/gif", "application/pdf", "application/zip"})
# TDLib's names of file types, as in "can't use file of type Document as Photo".
TYPE_NAMES = {
    "photo": "Photo",
    "document": "Document",
    "video": "Video",
    "audio": "Audio",
    "voice": "VoiceNote",
    "animation": "Animation",
    "sticker": "Sticker",
}
# Defaults for what the fake cannot read from the bytes (Telegram reads it from the file).
_DEFAULTS: dict[str, JsonDict] = {
    "video": {"width": 1280, "height": 720, "duration": 10, "mime_type": "video/mp4"},
    "animation": {"width": 320, "height": 240, "duration": 3, "mime_type": "video/mp4"},
    "audio": {"duration": 60, "mime_type": "audio/mpeg"},
    "voice": {"duration": 5, "mime_type": "audio/ogg"},
    "sticker": {"width": 512, "height": 512},
}
_FOLDERS = {"photo": "photos", "audio": "music", "voice": "voice", "sticker": "stickers"}
_ID_PREFIXES = {"photo": "AgAC", "document": "BQAC", "video": "BAAC", "audio": "CQAC"}
_HAS_SIZE = frozenset({"photo", "video", "animation", "sticker"})
_HAS_DURATION = frozenset({"video", "animation", "audio", "voice"})
_HAS_NAME = frozenset({"document", "video", "audio", "animation"})


def _bad(reason: str, *, violation: bool = False) -> ApiError:
    return ApiError.bad_request(reason, violation=violation)


@dataclass(slots=True)
class StoredFile:
    """One file the fake knows, with what Telegram would tell about it.

    ``data`` is None for files users sent: their bytes are made up on download. A photo has a
    ``thumbnail``, the small size Telegram sends along, itself a photo with its own file_id.
    """

    kind: str  # photo, document, video, audio, voice, animation or sticker
    file_id: str
    file_unique_id: str
    size: int
    width: int | None = None
    height: int | None = None
    duration: int | None = None
    file_name: str | None = None
    mime_type: str | None = None
    data: bytes | None = field(default=None, repr=False)
    extra: JsonDict = field(default_factory=dict)  # performer, title, emoji ...
    thumbnail: StoredFile | None = None
    file_path: str | None = None  # given by getFile

    def content(self) -> bytes:
        """The file's bytes: the real ones, or deterministic filler of its size."""
        if self.data is not None:
            return self.data
        return (b"fake telegram file\n" * (self.size // 19 + 1))[: self.size]

    def to_api(self) -> JsonDict:
        """The Bot API object: PhotoSize, Document, Video, Audio, Voice, Animation, Sticker."""
        obj: JsonDict = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.kind in _HAS_SIZE:
            obj.update(width=self.width, height=self.height)
        if self.kind in _HAS_DURATION:
            obj["duration"] = self.duration
        if self.kind in _HAS_NAME and self.file_name:
            obj["file_name"] = self.file_name
        if self.kind not in ("photo", "sticker") and self.mime_type:
            obj["mime_type"] = self.mime_type
        obj.update(self.extra)
        obj["file_size"] = self.size
        return obj

    def message_payload(self) -> Any:
        """What a Message carries in its field for the kind: a photo's sizes, else the object."""
        if self.kind != "photo":
            return self.to_api()
        sizes = [self.thumbnail, self] if self.thumbnail is not None else [self]
        return [size.to_api() for size in sizes]


# A file parameter after the synchronous checks: a known file, an upload or a URL to fetch.
Source = StoredFile | UploadedFile | str


class FileStore:
    """Every file the fake knows, by file_id and (after getFile) by file_path."""

    def __init__(self) -> None:
        self._files: dict[str, StoredFile] = {}
        self._paths: dict[str, StoredFile] = {}
        self._ids = itertools.count(1)
        self._groups = itertools.count(13_000_000_000_000_001)
        self.url_fetches: list[str] = []  # every URL fetched for the bot, in order
        self.downloads: list[str] = []  # every file_path downloaded
        self.fetch_timeout = 5.0  # seconds for one URL fetch, as a short Telegram timeout

    def get(self, file_id: str) -> StoredFile | None:
        """The file with this file_id."""
        return self._files.get(file_id)

    def new_media_group_id(self) -> str:
        """A fresh media_group_id for an album."""
        return str(next(self._groups))

    def add(self, kind: str, size: int, **details: Any) -> StoredFile:
        """Remember a new file under a new file_id (a photo gets its thumbnail size too)."""
        n = next(self._ids)
        prefix = _ID_PREFIXES.get(kind, "CAAC")
        stored = StoredFile(kind, f"{prefix}fake{n:06d}", f"AQAD{n:06d}", size, **details)
        if kind == "photo" and stored.width and stored.height:
            stored.thumbnail = self._thumbnail(stored.width, stored.height)
        self._files[stored.file_id] = stored
        return stored

    def _thumbnail(self, width: int, height: int) -> StoredFile | None:
        if max(width, height) <= THUMBNAIL_SIDE:
            return None
        scale = THUMBNAIL_SIDE / max(width, height)
        w, h = max(1, round(width * scale)), max(1, round(height * scale))
        data = png(w, h)
        return self.add("photo", len(data), width=w, height=h, data=data)

    def add_user_file(self, kind: str, size: int, **details: Any) -> StoredFile:
        """A file a user sent: a photo gets real PNG bytes of its size, others filler later."""
        if kind == "photo":
            data = png(details["width"], details["height"])
            return self.add(kind, len(data), data=data, **details)
        return self.add(kind, size, **{**_DEFAULTS.get(kind, {}), **details})

    # -- the file parameter of a request -------------------------------------------------------

    def source(self, kind: str, value: Any, params: JsonDict, *, in_media: bool) -> Source:
        """Check a file parameter (file_id, URL, upload, attach://) as far as needs no I/O."""
        if isinstance(value, UploadedFile):
            return value
        if not isinstance(value, str):
            raise _bad(WRONG_FILE)
        if value.startswith("attach://"):
            part = params.get(value.removeprefix("attach://"))
            if not isinstance(part, UploadedFile):
                reason = "can't parse InputMedia: media not found" if in_media else None
                raise _bad(reason or f"there is no {kind} in the request", violation=True)
            return part
        if value.lower().startswith(("http://", "https://")):
            return value
        stored = self._files.get(value)
        if stored is None:
            raise _bad(WRONG_FILE)
        if stored.kind != kind:
            names = TYPE_NAMES[stored.kind], TYPE_NAMES[kind]
            raise _bad("can't use file of type {} as {}".format(*names))
        return stored

    async def load(self, kind: str, source: Source, hints: JsonDict) -> StoredFile:
        """The StoredFile for a checked source: fetch a URL, read an upload; ``hints`` give
        what the bytes do not tell (a video's width, height and duration)."""
        if isinstance(source, StoredFile):
            return source
        if isinstance(source, UploadedFile):
            if source.size > (PHOTO_UPLOAD_LIMIT if kind == "photo" else UPLOAD_LIMIT):
                raise _bad(TOO_BIG)
            return self._from_bytes(kind, source.data, source.filename, source.content_type, hints)
        data, content_type = await self.fetch(
            source, PHOTO_URL_LIMIT if kind == "photo" else URL_LIMIT
        )
        if kind == "document" and content_type not in DOCUMENT_URL_TYPES:
            raise _bad("wrong type of the web page content")
        name = PurePosixPath(urlsplit(source).path).name or None
        return self._from_bytes(kind, data, name, content_type, hints)

    async def fetch(self, url: str, limit: int) -> tuple[bytes, str]:
        """GET the URL as Telegram would: bytes and Content-Type, or "failed to get" it."""
        self.url_fetches.append(url)
        timeout = aiohttp.ClientTimeout(total=self.fetch_timeout)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(url) as response,
            ):
                if not 200 <= response.status < 300 or (response.content_length or 0) > limit:
                    raise _bad(URL_FAILED)
                body = bytearray()
                async for chunk in response.content.iter_chunked(64 * 1024):
                    body += chunk
                    if len(body) > limit:
                        raise _bad(URL_FAILED)
                return bytes(body), response.content_type
        except (aiohttp.ClientError, TimeoutError, ValueError):
            raise _bad(URL_FAILED) from None

    def _from_bytes(
        self, kind: str, data: bytes, name: str | None, content_type: str | None, hints: JsonDict
    ) -> StoredFile:
        if kind == "photo":
            found = image_size(data)
            if found is None:
                raise _bad("IMAGE_PROCESS_FAILED")
            _, width, height = found
            if not _valid_photo_dimensions(width, height):
                raise _bad("PHOTO_INVALID_DIMENSIONS")
            return self.add("photo", len(data), width=width, height=height, data=data)
        details = dict(_DEFAULTS.get(kind, {}))
        details.update({k: hints[k] for k in ("width", "height", "duration") if k in hints})
        details.update({k: hints[k] for k in ("performer", "title") if k in hints})
        if kind in _HAS_NAME:
            details["file_name"] = name or "file"
        # What the upload or the server said, else a guess from the name, else the kind's.
        told = content_type if content_type != "application/octet-stream" else None
        guessed = mimetypes.guess_type(name or "")[0]
        details["mime_type"] = (
            told or guessed or details.get("mime_type") or "application/octet-stream"
        )
        extra = {k: details.pop(k) for k in ("performer", "title") if k in details}
        return self.add(kind, len(data), data=data, extra=extra, **details)

    # -- getFile and downloads -----------------------------------------------------------------

    def get_file(self, file_id: str) -> JsonDict:
        """getFile: the File object, with a file_path to download it from."""
        stored = self._files.get(file_id)
        if stored is None:
            raise _bad("wrong file_id or the file is temporarily unavailable")
        if stored.size > DOWNLOAD_LIMIT:
            raise _bad(TOO_BIG)
        if stored.file_path is None:
            folder = _FOLDERS.get(stored.kind, f"{stored.kind}s")
            suffix = PurePosixPath(stored.file_name or "").suffix
            if stored.kind == "photo":
                suffix = "." + _photo_format(stored).replace("jpeg", "jpg")
            stored.file_path = f"{folder}/file_{len(self._paths)}{suffix}"
            self._paths[stored.file_path] = stored
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def download(self, path: str, token: str) -> web.Response:
        """Answer GET /file/bot<token>/<file_path>: the bytes, or 404."""
        stored = self._paths.get(path.removeprefix(f"bot{token}/"))
        if not path.startswith(f"bot{token}/") or stored is None:
            return web.json_response(ApiError(404, "Not Found").to_json(), status=404)
        self.downloads.append(stored.file_path or "")
        photo_type = f"image/{_photo_format(stored)}" if stored.kind == "photo" else None
        content_type = stored.mime_type or photo_type or "application/octet-stream"
        return web.Response(body=stored.content(), content_type=content_type)


def _valid_photo_dimensions(width: int, height: int) -> bool:
    """Telegram's rule: width + height at most 10000, and a ratio of at most 20."""
    if width <= 0 or height <= 0 or width + height > PHOTO_SIDES_LIMIT:
        return False
    return max(width, height) / min(width, height) <= PHOTO_RATIO_LIMIT


def _photo_format(stored: StoredFile) -> str:
    """png, jpeg, gif or webp, read from the photo's bytes."""
    found = image_size(stored.content())
    return found[0] if found else "jpeg"
