"""The width, height and duration of an MP4 (or QuickTime) video, read from its boxes.

Telegram tells a bot a video's size and length; the console reads them from the file's
``moov`` box (its ``mvhd`` and the first visual track's ``tkhd``), wherever in the file the
box is, without decoding anything. Other containers are not read.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from typing import BinaryIO

_MAX_BOXES = 10_000


def video_info(stream: BinaryIO) -> tuple[int, int, int] | None:
    """(width, height, seconds) of the MP4 video in ``stream``; None if it is not one."""
    end = stream.seek(0, io.SEEK_END)
    moov = next((box for box in _boxes(stream, 0, end) if box[0] == b"moov"), None)
    if moov is None:
        return None
    seconds, width, height = 0, 0, 0
    for kind, start, stop in _boxes(stream, moov[1], moov[2]):
        if kind == b"mvhd":
            seconds = _duration(_read(stream, start, min(stop - start, 32)))
        elif kind == b"trak" and not width:
            tkhd = next((box for box in _boxes(stream, start, stop) if box[0] == b"tkhd"), None)
            if tkhd is not None:
                width, height = _dimensions(_read(stream, tkhd[1], tkhd[2] - tkhd[1]))
    return width, height, seconds


def _boxes(stream: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, start of the body, end) of each box between ``start`` and ``end``."""
    position = start
    for _ in range(_MAX_BOXES):
        if position + 8 > end:
            return
        header = _read(stream, position, 8)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header)
        body = position + 8
        if size == 1:  # a 64-bit size follows
            large = stream.read(8)
            if len(large) < 8:
                return
            size, body = int.from_bytes(large, "big"), position + 16
        elif size == 0:  # to the end of the file
            size = end - position
        if size < body - position or position + size > end:
            return
        yield kind, body, position + size
        position += size


def _read(stream: BinaryIO, position: int, size: int) -> bytes:
    stream.seek(position)
    return stream.read(size)


def _duration(mvhd: bytes) -> int:
    if mvhd[:1] == b"\x01" and len(mvhd) >= 32:
        timescale, duration = struct.unpack(">IQ", mvhd[20:32])
    elif len(mvhd) >= 20:
        timescale, duration = struct.unpack(">II", mvhd[12:20])
    else:
        return 0
    return round(duration / timescale) if timescale else 0


def _dimensions(tkhd: bytes) -> tuple[int, int]:
    offset = 88 if tkhd[:1] == b"\x01" else 76
    if len(tkhd) < offset + 8:
        return 0, 0
    width, height = struct.unpack(">II", tkhd[offset : offset + 8])
    return width >> 16, height >> 16  # 16.16 fixed point
