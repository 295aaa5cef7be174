"""The files the console knows, each under a file_id it issues, and the user's files read.

A file is learnt three ways: the local user sends one (/photo, /video, /file: the console
reads it where it is), the bot uploads one (kept in a temporary folder of the console's own
until it ends), or the bot names a URL (shown, never fetched: the console stays off the
network). getFile serves the local ones at the ``file_path`` it gives.
"""

from __future__ import annotations

import itertools
import mimetypes
import secrets
import stat
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from pressbot.console.chat import ApiError, LocalFile
from pressbot.console.display import file_size
from pressbot.console.images import image_size, image_size_of
from pressbot.console.videos import video_info
from pressbot.core.media import CAPTION_LIMIT, MediaKind, size_limit

WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"
#: Telegram's smallest photo size ("s") fits in a 90 × 90 box.
THUMBNAIL_BOX = 90
#: What Telegram's servers take as a photo: width + height, and the longer side to the shorter.
PHOTO_SIDES_LIMIT = 10_000
PHOTO_RATIO_LIMIT = 20

# What the console says when it can't send a file the user named (one line each).
NO_FILE = "There is no file {path}; nothing was sent."
FOLDER = "{path} is a folder, not a file; nothing was sent."
NOT_A_FILE = "{path} is not a regular file; nothing was sent."
UNREADABLE = "The console can't read {path} ({reason}); nothing was sent."
EMPTY = "{path} is empty, and Telegram sends no empty files; nothing was sent."
NOT_AN_IMAGE = "{path} is not a PNG, JPEG, GIF or WebP image; /file sends it as a file."
TOO_BIG = "{path} is {size}, and Telegram takes {what} of up to {limit}; nothing was sent."
CAPTION_TOO_LONG = (
    "The caption is {length} characters long, and Telegram takes up to {limit}; nothing was sent."
)
_WHAT = {MediaKind.PHOTO: "photos", MediaKind.VIDEO: "videos", MediaKind.DOCUMENT: "files"}


class LocalFileError(Exception):
    """Why a file the local user named can't be sent: one line for the terminal."""


def check_caption(caption: str) -> None:
    """LocalFileError if Telegram would not take ``caption`` under a file."""
    if len(caption) > CAPTION_LIMIT:
        raise LocalFileError(
            CAPTION_TOO_LONG.format(length=len(caption), limit=f"{CAPTION_LIMIT:,}")
        )


def thumbnail_size(width: int, height: int) -> tuple[int, int]:
    """A photo's size scaled down to fit THUMBNAIL_BOX (never up)."""
    scale = min(1.0, THUMBNAIL_BOX / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


class FileStore:
    """Every file the console has issued a file_id for, and the local files getFile serves."""

    def __init__(self) -> None:
        self.files: dict[str, LocalFile] = {}
        self.paths: dict[str, Path] = {}  # getFile's file_path -> the local file
        self._ids = itertools.count(1)
        self._uploads = itertools.count(1)
        # The console keeps no files between sessions: an id from an earlier one (in a
        # release of the console's database) is unknown, not another session's file.
        self._session = secrets.token_hex(3)
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def close(self) -> None:
        """Remove the uploads' folder."""
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def known(self, kind: MediaKind, file_id: str) -> LocalFile:
        """The file sent again by its file_id, as Telegram reuses it."""
        file = self.get(file_id)
        if file.kind is not kind:
            raise ApiError(
                400, f"Bad Request: can't use file of type {file.kind.title()} as {kind.title()}"
            )
        return file

    def get(self, file_id: str) -> LocalFile:
        """The file with this file_id; a Bot API error if the console never issued it."""
        file = self.files.get(file_id)
        if file is None:
            raise ApiError(400, WRONG_FILE)
        return file

    def add_url(self, kind: MediaKind, url: str, attributes: dict[str, Any]) -> LocalFile:
        """A file the bot names by URL: Telegram would fetch it; the console only shows it."""
        name = PurePosixPath(urlsplit(url).path).name or None
        return self._add(kind, url=url, file_name=name, **_video_attributes(kind, attributes))

    def add_upload(
        self, kind: MediaKind, upload: web.FileField, attributes: dict[str, Any]
    ) -> LocalFile:
        """A file the bot uploads, kept in the console's folder; checked as Telegram checks."""
        upload.file.seek(0)  # a part two InputMedia name is read twice
        data = upload.file.read()
        if not data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        limit = size_limit(kind, by_url=False)
        if kind is not MediaKind.PHOTO and len(data) > limit:
            raise ApiError(413, "Request Entity Too Large")  # as api.telegram.org refuses it
        if kind is MediaKind.PHOTO and len(data) > limit:
            raise ApiError(
                400,
                f"Bad Request: file of size {len(data)} bytes is too big for a photo;"
                f" the maximum size is {limit} bytes",
            )
        details = _video_attributes(kind, attributes)
        if kind is MediaKind.PHOTO and (header := image_size_of(data)):
            _check_photo_sides(header[1], header[2])
            details = {"width": header[1], "height": header[2]}
        name = PurePosixPath(upload.filename or "").name or None
        path = self._upload_folder() / f"upload_{next(self._uploads)}{_suffix(name)}"
        path.write_bytes(data)
        if kind is MediaKind.VIDEO and not details:
            with path.open("rb") as stream:
                details = _video_details(video_info(stream))
        mime = _mime(kind, name)
        return self._add(
            kind, path=path, file_name=name, mime_type=mime, size=len(data), **details
        )

    def read_user_file(self, kind: MediaKind, raw: str) -> LocalFile:
        """The local file the user named, checked as a Telegram app checks what it sends."""
        path = Path(raw).expanduser().absolute()
        try:
            status = path.stat()
        except FileNotFoundError:
            raise LocalFileError(NO_FILE.format(path=raw)) from None
        except OSError as error:
            raise LocalFileError(UNREADABLE.format(path=raw, reason=error.strerror)) from None
        if stat.S_ISDIR(status.st_mode):
            raise LocalFileError(FOLDER.format(path=raw))
        if not stat.S_ISREG(status.st_mode):
            raise LocalFileError(NOT_A_FILE.format(path=raw))
        details: dict[str, int] = {}
        try:
            with path.open("rb") as stream:
                if kind is MediaKind.PHOTO:
                    header = image_size(stream)
                    if header is None:
                        raise LocalFileError(NOT_AN_IMAGE.format(path=raw))
                    details = {"width": header[1], "height": header[2]}
                elif kind is MediaKind.VIDEO:
                    details = _video_details(video_info(stream))
                else:
                    stream.read(1)
        except OSError as error:
            raise LocalFileError(UNREADABLE.format(path=raw, reason=error.strerror)) from None
        limit = size_limit(kind, by_url=False)
        if status.st_size > limit:
            size, most = file_size(status.st_size), f"{limit // 2**20} MB"
            raise LocalFileError(TOO_BIG.format(path=raw, size=size, what=_WHAT[kind], limit=most))
        if status.st_size == 0:
            raise LocalFileError(EMPTY.format(path=raw))
        name = path.name
        return self._add(
            kind,
            path=path,
            file_name=name,
            mime_type=_mime(kind, name),
            size=status.st_size,
            **details,
        )

    def _add(self, kind: MediaKind, **details: Any) -> LocalFile:
        number = next(self._ids)
        file_id = f"console-{self._session}-{kind}-{number}"
        file = LocalFile(kind, file_id, f"console-{self._session}-{number}", **details)
        if file.path is not None:
            file.file_path = f"{kind}s/file_{number}{_suffix(file.file_name)}"
            self.paths[file.file_path] = file.path
        if kind is MediaKind.PHOTO and file.width and file.height:
            width, height = thumbnail_size(file.width, file.height)
            thumbnail = LocalFile(
                kind,
                f"{file.file_id}-s",
                f"{file.file_unique_id}-s",
                path=file.path,
                url=file.url,
                width=width,
                height=height,
                file_path=file.file_path,  # the same file: the console scales nothing
            )
            file.thumbnail = self.files[thumbnail.file_id] = thumbnail
        self.files[file.file_id] = file
        return file

    def _upload_folder(self) -> Path:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="pressbot-console-")
        return Path(self._folder.name)


def _suffix(name: str | None) -> str:
    suffix = PurePosixPath(name or "").suffix.lower()
    return suffix if suffix[1:].isalnum() else ""


def _mime(kind: MediaKind, name: str | None) -> str | None:
    """As Telegram types a file: by its name's extension (a photo has no MIME type)."""
    if kind is MediaKind.PHOTO:
        return None
    guessed = mimetypes.guess_type(name or "", strict=False)[0]
    if kind is MediaKind.VIDEO:
        return guessed if guessed and guessed.startswith("video/") else "video/mp4"
    return guessed or "application/octet-stream"


def _video_attributes(kind: MediaKind, attributes: dict[str, Any]) -> dict[str, int]:
    """A video's width, height and duration as the bot gave them (sendVideo, InputMediaVideo)."""
    if kind is not MediaKind.VIDEO:
        return {}
    names = ("width", "height", "duration")
    return {
        name: int(attributes[name]) for name in names if str(attributes.get(name, "")).isdigit()
    }


def _video_details(info: tuple[int, int, int] | None) -> dict[str, int]:
    if info is None:
        return {}
    width, height, seconds = info
    return {"width": width, "height": height, "duration": seconds}


def _check_photo_sides(width: int, height: int) -> None:
    ratio = max(width, height) / min(width, height)
    if width + height > PHOTO_SIDES_LIMIT or ratio > PHOTO_RATIO_LIMIT:
        raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
