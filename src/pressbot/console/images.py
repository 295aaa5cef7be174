"""The width and height of a PNG, JPEG, GIF or WebP image, read from its header, not decoded.

The console shows a photo as ``[photo 1280×720]`` and tells the bot its sizes, as Telegram
would, without an imaging library: these four formats say their size in their first bytes
(JPEG in a frame header after its other segments).
"""

from __future__ import annotations

import io
import struct
from typing import BinaryIO

#: How far into a JPEG to look for its frame header (EXIF, ICC profiles … come first).
_JPEG_SCAN_LIMIT = 4 * 2**20
# Start-of-frame markers; C4 (Huffman tables), C8 (reserved) and CC (arithmetic coding) are not.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset({0x01, 0xD8, *range(0xD0, 0xD8)})


def image_size(stream: BinaryIO) -> tuple[str, int, int] | None:
    """(format, width, height) of the image ``stream`` starts with: "png", "jpeg", "gif" or
    "webp"; None when it is none of them, or its header is cut short."""
    head = stream.read(32)
    found: tuple[str, int, int] | None = None
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR" and len(head) >= 24:
        found = ("png", *struct.unpack(">II", head[16:24]))
    elif head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        found = ("gif", *struct.unpack("<HH", head[6:10]))
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        size = _webp_size(head)
        found = ("webp", *size) if size else None
    elif head[:3] == b"\xff\xd8\xff":
        stream.seek(stream.tell() - len(head) + 2)
        size = _jpeg_size(stream)
        found = ("jpeg", *size) if size else None
    if found is None or found[1] <= 0 or found[2] <= 0:
        return None
    return found


def image_size_of(data: bytes) -> tuple[str, int, int] | None:
    """image_size of bytes in memory."""
    return image_size(io.BytesIO(data))


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a" and len(head) >= 30:
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and head[20:21] == b"\x2f" and len(head) >= 25:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(head) >= 30:
        return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    return None


def _jpeg_size(stream: BinaryIO) -> tuple[int, int] | None:
    """Walk the segments after SOI to the first frame header, which holds the size."""
    start = stream.tell()
    while stream.tell() - start < _JPEG_SCAN_LIMIT:
        if stream.read(1) != b"\xff":
            return None
        marker = stream.read(1)
        while marker == b"\xff":  # fill bytes
            marker = stream.read(1)
        if not marker or marker[0] in (0xD9, 0xDA):  # the end, or the scan, before any frame
            return None
        if marker[0] in _JPEG_STANDALONE:
            continue
        length_bytes = stream.read(2)
        if len(length_bytes) < 2 or (length := int.from_bytes(length_bytes, "big")) < 2:
            return None
        if marker[0] in _JPEG_FRAMES:
            frame = stream.read(5)  # precision, height, width
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">HH", frame[1:5])
            return width, height
        stream.seek(length - 2, io.SEEK_CUR)
    return None
