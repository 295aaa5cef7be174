"""Media in `pressbot console`: the local Bot API takes photos, videos and documents as Telegram
does (uploads, file_ids, URLs, albums, edits, getFile), the terminal shows them as lines, and
/photo, /video and /file send a local file as the user's Telegram app would."""

from __future__ import annotations

import asyncio
import io
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import telegram
from telegram import InputMediaDocument, InputMediaPhoto
from telegram.error import BadRequest

from fakes.spec import SPEC
from pressbot.console import LOCAL_USER
from pressbot.console.display import file_size, media_line, message_text
from pressbot.console.images import image_size_of
from pressbot.console.local_api import TOKEN, LocalBotApi
from pressbot.console.terminal import Terminal
from pressbot.console.videos import video_info
from pressbot.core.media import MediaKind

USER_ID = LOCAL_USER["id"]


def png(path: Path, width: int, height: int) -> Path:
    """A real PNG of ``width`` × ``height`` red pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def mp4(path: Path, width: int, height: int, seconds: int) -> Path:
    """An MP4's boxes: its moov after the media data, an audio track before the video's."""
    mvhd = box(b"mvhd", bytes(12) + struct.pack(">II", 600, seconds * 600) + bytes(80))

    def track(w: int, h: int) -> bytes:
        return box(b"trak", box(b"tkhd", bytes(76) + struct.pack(">II", w << 16, h << 16)))

    moov = box(b"moov", mvhd + track(0, 0) + track(width, height))
    path.write_bytes(box(b"ftyp", b"isom\x00\x00\x02\x00") + box(b"mdat", bytes(64)) + moov)
    return path


class Screen:
    """The terminal's output, as the press officer reads it."""

    def __init__(self) -> None:
        self.out = io.StringIO()
        self.terminal = Terminal(self.out)

    def take(self) -> str:
        """What was printed since the last take."""
        text = self.out.getvalue()
        self.out.seek(0)
        self.out.truncate()
        return text


@pytest.fixture
def screen() -> Screen:
    return Screen()


@pytest.fixture
async def api(screen: Screen) -> AsyncIterator[LocalBotApi]:
    local = LocalBotApi(LOCAL_USER, screen.terminal.show)
    await local.start()
    try:
        yield local
    finally:
        await local.stop()


@pytest.fixture
async def bot(api: LocalBotApi, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[telegram.Bot]:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # else PTB 22 warns when it reads a duration
    async with telegram.Bot(
        TOKEN, base_url=api.base_url, base_file_url=api.base_file_url
    ) as client:
        yield client


async def test_photos_by_upload_by_file_id_and_in_an_album(
    bot: telegram.Bot, screen: Screen, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sent = await bot.send_photo(
        USER_ID, png(tmp_path / "a.png", 3, 2), caption="<b>Embassy</b> news", parse_mode="HTML"
    )
    assert (sent.photo[-1].width, sent.photo[-1].height) == (3, 2)
    assert sent.caption == "Embassy news" and sent.text is None
    assert screen.take() == "bot › [photo 3×2]\n      Embassy news\n"

    file_id = sent.photo[-1].file_id
    again = await bot.send_photo(USER_ID, file_id)
    assert again.photo[-1].file_id == file_id  # reused, not a new file
    assert screen.take() == "bot › [photo 3×2]\n"

    # An InputMedia takes a file's content (a path becomes a file:// URI, for local servers).
    upload = png(tmp_path / "b.png", 400, 300).read_bytes()
    album = await bot.send_media_group(
        USER_ID, [InputMediaPhoto(upload, caption="Two photos"), InputMediaPhoto(file_id)]
    )
    assert len(album) == 2
    assert album[0].media_group_id is not None
    assert album[0].media_group_id == album[1].media_group_id
    assert [m.photo[-1].width for m in album] == [400, 3]
    assert album[0].photo[0].width == 90  # the thumbnail, Telegram's smallest size
    assert screen.take() == "bot › [photo 400×300]\n      [photo 3×2]\n      Two photos\n"

    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier/HTTP URL specified"):
        await bot.send_photo(USER_ID, "no-such-file-id")
    # A path in an InputMedia goes as a file:// URI, which Telegram refuses: so does the console.
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier/HTTP URL specified"):
        await bot.send_media_group(
            USER_ID, [InputMediaPhoto(tmp_path / "b.png"), InputMediaPhoto(file_id)]
        )
    assert "Telegram reads no file:// URIs" in caplog.text
    assert screen.take() == ""


async def test_documents_videos_and_urls_show_as_lines_and_download(
    bot: telegram.Bot, screen: Screen, tmp_path: Path
) -> None:
    statement = tmp_path / "x.pdf"
    statement.write_bytes(b"%PDF-1.4\n" + bytes(1015))
    sent = await bot.send_document(USER_ID, statement, caption="The statement")
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.mime_type) == ("x.pdf", "application/pdf")
    assert sent.document.file_size == 1024
    assert screen.take() == "bot › [document x.pdf, 1 KB]\n      The statement\n"

    downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == statement.read_bytes()

    video = await bot.send_video(
        USER_ID, b"not really a video", width=1920, height=1080, duration=12
    )
    assert video.video is not None and video.video.width == 1920
    assert screen.take() == "bot › [video 1920×1080, 12 s]\n"

    # A URL is shown as it is: Telegram would fetch it, the console stays off the network.
    by_url = await bot.send_photo(USER_ID, "https://example.org/a.jpg", caption="Seen")
    assert by_url.photo
    assert screen.take() == "bot › [photo https://example.org/a.jpg]\n      Seen\n"
    url_file = await bot.get_file(by_url.photo[-1].file_id)
    assert url_file.file_path is None  # nothing to download from the console


async def test_caption_and_media_edits_show_as_text_edits_do(
    bot: telegram.Bot, screen: Screen, tmp_path: Path
) -> None:
    sent = await bot.send_photo(USER_ID, png(tmp_path / "a.png", 3, 2), caption="Draft")
    screen.take()

    edited = await bot.edit_message_caption(USER_ID, sent.message_id, caption="Final")
    assert isinstance(edited, telegram.Message) and edited.caption == "Final"
    assert screen.take() == "bot ✎ [photo 3×2]\n      Final\n"
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_caption(USER_ID, sent.message_id, caption="Final")
    with pytest.raises(BadRequest, match=r"(?i)there is no text in the message to edit"):
        await bot.edit_message_text("Text", USER_ID, sent.message_id)

    statement = tmp_path / "statement.pdf"
    statement.write_bytes(bytes(210 * 1024))
    with statement.open("rb") as content:
        replaced = await bot.edit_message_media(
            InputMediaDocument(content, caption="As a file"), USER_ID, sent.message_id
        )
    assert isinstance(replaced, telegram.Message) and replaced.document is not None
    assert screen.take() == "bot ✎ [document statement.pdf, 210 KB]\n      As a file\n"

    text = await bot.send_message(USER_ID, "A text")
    screen.take()
    with pytest.raises(BadRequest, match=r"(?i)there is no caption in the message to edit"):
        await bot.edit_message_caption(USER_ID, text.message_id, caption="x")

    assert await bot.delete_messages(USER_ID, [sent.message_id, text.message_id, 999])
    assert screen.take() == (
        "bot ✗ The bot deleted a message: [document statement.pdf, 210 KB]\n"
        "bot ✗ The bot deleted a message: A text\n"
    )


async def test_media_answers_match_the_bot_api_spec(api: LocalBotApi, tmp_path: Path) -> None:
    """As JSON (sender.py) and checked field by field against the Bot API's spec."""

    async def call(session: aiohttp.ClientSession, method: str, **params: Any) -> Any:
        async with session.post(f"{api.base_url}{TOKEN}/{method}", json=params) as response:
            answer = await response.json()
        spec = SPEC.method(method)
        assert spec is not None
        if answer["ok"]:
            assert SPEC.check(answer["result"], spec.returns, method) is None, answer
        return answer

    api.user_sends_file(MediaKind.PHOTO, str(png(tmp_path / "a.png", 1280, 720)), "")
    photo = api.local.updates[-1]["message"]["photo"]
    async with aiohttp.ClientSession() as session:
        file_id = photo[-1]["file_id"]
        one = await call(session, "sendPhoto", chat_id=USER_ID, photo=file_id, caption="c")
        assert one["result"]["photo"] == photo and one["result"]["caption"] == "c"
        urls = [{"type": "photo", "media": f"https://example.org/{n}.jpg"} for n in range(2)]
        album = await call(session, "sendMediaGroup", chat_id=USER_ID, media=urls)
        assert len(album["result"]) == 2
        # To a subscriber of a copied database: taken, with a file_id to reuse, and not shown.
        elsewhere = await call(session, "sendPhoto", chat_id=2002, photo=file_id)
        assert elsewhere["result"]["photo"][-1]["file_id"] == file_id
        got = await call(session, "getFile", file_id=file_id)
        assert got["result"]["file_path"].startswith("photos/")
        mixed = [urls[0], {"type": "document", "media": "https://example.org/x.pdf"}]
        refused = await call(session, "sendMediaGroup", chat_id=USER_ID, media=mixed)
        assert refused["description"] == (
            "Bad Request: document can't be mixed with other media types"
        )
        eleven = await call(session, "sendMediaGroup", chat_id=USER_ID, media=urls * 6)
        assert eleven["description"] == "Bad Request: too many messages to send as an album"
        unknown = await call(session, "getFile", file_id="nope")
        assert unknown["error_code"] == 400
        as_document = await call(session, "sendDocument", chat_id=USER_ID, document=file_id)
        assert (
            as_document["description"] == "Bad Request: can't use file of type Photo as Document"
        )
        async with session.get(f"{api.base_file_url}{TOKEN}/photos/nothing.png") as response:
            assert response.status == 404
        form = aiohttp.FormData({"chat_id": str(USER_ID)})
        form.add_field("document", io.BytesIO(bytes(50 * 2**20 + 1)), filename="big.bin")
        async with session.post(f"{api.base_url}{TOKEN}/sendDocument", data=form) as response:
            assert response.status == 413  # as api.telegram.org refuses an upload over 50 MB
            assert (await response.json())["description"] == "Request Entity Too Large"


async def type_lines(api: LocalBotApi, screen: Screen, *lines: str) -> str:
    """Type ``lines`` at the console's prompt, to the end of input; what it printed."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    for line in (*lines, None):
        queue.put_nowait(line)
    await screen.terminal.run(api, "", queue)
    return screen.take().removeprefix("\n")


async def test_photo_sends_a_local_image_as_telegram_would(
    api: LocalBotApi, screen: Screen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    png(tmp_path / "cover photo.png", 640, 480)
    shown = await type_lines(api, screen, '/photo "cover photo.png" The new ambassador')
    assert shown == "you sent [photo 640×480]\n"

    [update] = api.local.updates
    assert SPEC.check(update, ("Update",), "update") is None
    message = telegram.Update.de_json(update, None).message
    assert message is not None and message.from_user is not None
    assert message.from_user.id == USER_ID
    assert [(size.width, size.height) for size in message.photo] == [(90, 68), (640, 480)]
    assert message.caption == "The new ambassador"
    assert message.text is None and message.entities == ()  # not a command for the bot


async def test_photo_refuses_what_is_not_a_sendable_image(
    api: LocalBotApi, screen: Screen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("not an image", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    big = png(tmp_path / "big.png", 5000, 4000)
    with big.open("r+b") as stream:
        stream.truncate(10 * 2**20 + 1)
    (tmp_path / "huge.bin").write_bytes(b"")
    os.truncate(tmp_path / "huge.bin", 50 * 2**20 + 1)
    (tmp_path / "empty.pdf").write_bytes(b"")
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(b"%PDF")
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    real_open = Path.open

    def refuse_locked(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path == locked:  # as chmod 000 would, were the tests not run as root
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse_locked)
    shown = await type_lines(
        api,
        screen,
        "/photo missing.png A caption",
        "/photo notes.txt",
        "/photo folder",
        "/photo big.png",
        "/file huge.bin",
        "/file empty.pdf",
        "/photo",
        "/file locked.pdf",
        "/file x.pdf " + "c" * 1025,
    )
    assert shown.splitlines() == [
        "There is no file missing.png; nothing was sent.",
        "notes.txt is not a PNG, JPEG, GIF or WebP image; /file sends it as a file.",
        "folder is a folder, not a file; nothing was sent.",
        "big.png is 10.0 MB, and Telegram takes photos of up to 10 MB; nothing was sent.",
        "huge.bin is 50.0 MB, and Telegram takes files of up to 50 MB; nothing was sent.",
        "empty.pdf is empty, and Telegram sends no empty files; nothing was sent.",
        "Name the file to send: /photo PATH, and a caption after it if you like.",
        "The console can't read locked.pdf (Permission denied); nothing was sent.",
        "The caption is 1025 characters long, and Telegram takes up to 1,024; nothing was sent.",
    ]
    assert api.local.updates == []  # nothing pushed, and no /photo text to the bot


async def test_file_and_video_send_a_document_and_a_video(
    api: LocalBotApi, screen: Screen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.pdf").write_bytes(bytes(1500))
    mp4(tmp_path / "clip.mp4", 1920, 1080, 12)
    shown = await type_lines(api, screen, "/file x.pdf Statement", "/video clip.mp4")
    assert shown == "you sent [document x.pdf, 1 KB]\nyou sent [video 1920×1080, 12 s]\n"
    document, video = (update["message"] for update in api.local.updates)
    assert document["document"]["file_name"] == "x.pdf"
    assert document["document"]["mime_type"] == "application/pdf"
    assert document["document"]["file_size"] == 1500
    assert document["caption"] == "Statement"
    assert video["video"] | {"file_id": "", "file_unique_id": ""} == {
        "file_id": "",
        "file_unique_id": "",
        "width": 1920,
        "height": 1080,
        "duration": 12,
        "file_name": "clip.mp4",
        "mime_type": "video/mp4",
        "file_size": (tmp_path / "clip.mp4").stat().st_size,
    }


def test_image_headers_give_the_size() -> None:
    jpeg = (
        b"\xff\xd8\xff\xe0"
        + struct.pack(">H", 16)
        + b"JFIF\x00" * 2
        + b"\x00\x00\x00\x00"
        + b"\xff\xdb"
        + struct.pack(">H", 4)
        + b"\x00\x00"
        + b"\xff\xc0"
        + struct.pack(">HBHH", 17, 8, 720, 1280)
        + bytes(12)
    )
    gif = b"GIF89a" + struct.pack("<HH", 3, 2) + bytes(20)
    webp_lossy = b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(7) + b"\x9d\x01\x2a"
    webp_lossy += struct.pack("<HH", 300, 200) + bytes(4)
    vp8l_bits = (300 - 1) | ((200 - 1) << 14)
    webp_lossless = b"RIFF\x00\x00\x00\x00WEBPVP8L" + bytes(4) + b"\x2f"
    webp_lossless += vp8l_bits.to_bytes(4, "little") + bytes(8)
    webp_extended = b"RIFF\x00\x00\x00\x00WEBPVP8X" + bytes(8)
    webp_extended += (299).to_bytes(3, "little") + (199).to_bytes(3, "little") + bytes(4)
    assert image_size_of(jpeg) == ("jpeg", 1280, 720)
    assert image_size_of(gif) == ("gif", 3, 2)
    assert image_size_of(webp_lossy) == ("webp", 300, 200)
    assert image_size_of(webp_lossless) == ("webp", 300, 200)
    assert image_size_of(webp_extended) == ("webp", 300, 200)
    assert image_size_of(b"%PDF-1.4") is None
    assert image_size_of(b"\xff\xd8\xff\xe0\x00") is None  # cut short


def test_mp4_boxes_give_the_size_and_length(tmp_path: Path) -> None:
    with mp4(tmp_path / "a.mp4", 640, 360, 7).open("rb") as stream:
        assert video_info(stream) == (640, 360, 7)
    assert video_info(io.BytesIO(b"not a video at all")) is None


def test_sizes_and_lines() -> None:
    assert [file_size(n) for n in (300, 1024, 210 * 1024, 1468006, 2**20 - 1)] == [
        "1 KB",
        "1 KB",
        "210 KB",
        "1.4 MB",
        "1.0 MB",
    ]
    api = LocalBotApi(LOCAL_USER, lambda output: None)
    odd = api.files.add_url(MediaKind.DOCUMENT, "https://example.org/s.pdf", {})
    assert media_line(odd) == "[document https://example.org/s.pdf]"
    message = api.local.add(LOCAL_USER, (), None)
    assert message_text(message) == ()


def test_the_console_sends_a_photo_to_the_real_bot(tmp_path: Path) -> None:
    """End to end: the bot's python-telegram-bot decodes the photo and nothing fails."""
    png(tmp_path / "a.png", 3, 2)
    done = subprocess.run(
        [sys.executable, "-m", "pressbot", "console", "--db", "x.sqlite3"],
        input="/photo a.png Hello\n/time\n",
        capture_output=True,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("PRESSBOT_")},
        encoding="utf-8",
        timeout=60,
        check=True,
    )
    assert "/photo PATH, /video PATH or /file PATH sends that file" in done.stdout
    assert "The bot's log is written to x.sqlite3.log.\n" in done.stdout
    assert "you sent [photo 3×2]\n" in done.stdout
    assert "bot › " in done.stdout.split("you sent [photo 3×2]\n", 1)[1]  # /time answered
    assert "ERROR" not in done.stdout and done.stderr == ""
