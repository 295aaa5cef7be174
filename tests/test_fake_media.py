"""The fake Bot API's media: photos, documents and videos by file_id, URL and upload; albums;
editMessageCaption and editMessageMedia; what users send; getFile and downloads.

Everything goes over real HTTP (httpx), and once through python-telegram-bot's Bot.
"""

from __future__ import annotations

import json
import struct
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import telegram
from telegram import InputFile, InputMediaDocument, InputMediaPhoto, Update
from telegram.constants import ParseMode

from fakes import FakeBotApi
from fakes.images import gif, image_size, jpeg, png, webp
from fakes.spec import SPEC
from fakes.website import FakeWebsite

TOKEN = "123456:TEST-fake-token-abc"
USER = 1001
GROUP = -4001
MB = 1024 * 1024
WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"
URL_FAILED = "Bad Request: failed to get HTTP URL content"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
Files = dict[str, tuple[str, bytes, str]]


class Api:
    """Posts like python-telegram-bot: form fields (non-strings JSON-encoded), files multipart."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(
        self, method: str, files: Files | None = None, **params: Any
    ) -> tuple[int, dict[str, Any]]:
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        response = await self.client.post(method, data=form, files=files)
        return response.status_code, response.json()

    async def ok(self, method: str, files: Files | None = None, **params: Any) -> Any:
        """Call and require success; return the result."""
        status, body = await self(method, files, **params)
        assert status == 200, body
        return body["result"]

    async def error(self, method: str, files: Files | None = None, **params: Any) -> str:
        """Call and require a 400; return its description."""
        status, body = await self(method, files, **params)
        assert status == 400, body
        return str(body["description"])

    async def json(self, method: str, **params: Any) -> Any:
        """Call with a JSON body and require success."""
        response = await self.client.post(method, json=params)
        assert response.status_code == 200, response.json()
        return response.json()["result"]


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as server:
        yield server


@pytest.fixture
async def api(fake: FakeBotApi) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=f"{fake.base_url}{TOKEN}/") as client:
        yield Api(client)


@pytest.fixture
async def site() -> AsyncIterator[FakeWebsite]:
    async with FakeWebsite() as website:
        yield website


def upload(name: str, data: bytes, content_type: str = "image/png") -> tuple[str, bytes, str]:
    return name, data, content_type


def valid(value: Any, type_name: str) -> None:
    assert SPEC.check(value, (type_name,), type_name) is None, value


# -- sendPhoto, sendDocument, sendVideo ---------------------------------------------------------


async def test_uploaded_photo_comes_back_in_two_sizes_with_its_dimensions(
    fake: FakeBotApi, api: Api
) -> None:
    image = png(1280, 720)
    files = {"photo": upload("cover.png", image)}
    result = await api.ok(
        "sendPhoto", files, chat_id=str(USER), caption="<b>Cover</b>", parse_mode="HTML"
    )
    valid(result, "Message")
    thumb, full = result["photo"]
    assert (thumb["width"], thumb["height"]) == (90, 51)
    assert (full["width"], full["height"], full["file_size"]) == (1280, 720, len(image))
    assert len({thumb["file_id"], full["file_id"]}) == 2
    assert thumb["file_unique_id"] != full["file_unique_id"]
    assert result["caption"] == "Cover"
    assert result["caption_entities"] == [{"type": "bold", "offset": 0, "length": 5}]
    [message] = fake.messages(USER)
    assert message.media == "photo"
    assert (message.width, message.height, message.file_size) == (1280, 720, len(image))
    assert message.file_id == full["file_id"]
    assert message.file_ids == [thumb["file_id"], full["file_id"]]
    assert message.caption_text == message.text == "Cover"
    assert fake.calls[-1].params["photo"].data == image
    assert fake.violations == []


@pytest.mark.parametrize("make", [png, jpeg, gif, webp])
async def test_photo_dimensions_are_read_from_each_format(
    fake: FakeBotApi, api: Api, make: Any
) -> None:
    result = await api.ok("sendPhoto", {"photo": upload("p", make(800, 600))}, chat_id=str(USER))
    assert (result["photo"][-1]["width"], result["photo"][-1]["height"]) == (800, 600)


def test_webp_lossy_and_lossless_headers_are_read() -> None:
    lossy = b"RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00\x10\x02\x00\x9d\x01\x2a"
    assert image_size(lossy + struct.pack("<HH", 640, 480)) == ("webp", 640, 480)
    bits = (640 - 1) | ((480 - 1) << 14)
    lossless = b"RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f" + bits.to_bytes(4, "little")
    assert image_size(lossless) == ("webp", 640, 480)
    assert image_size(b"\xff\xd8\xff\xd9") is None  # a JPEG with no frame
    assert image_size(b"%PDF-1.4") is None


async def test_a_photo_that_is_not_an_image_fails_to_process(fake: FakeBotApi, api: Api) -> None:
    files = {"photo": upload("a.png", b"<html>not an image</html>")}
    description = await api.error("sendPhoto", files, chat_id=str(USER))
    assert description == "Bad Request: IMAGE_PROCESS_FAILED"
    assert fake.messages(USER) == []
    assert fake.violations == []  # only Telegram can tell: the bot must expect it


@pytest.mark.parametrize(
    ("width", "height", "ok"),
    [(6000, 4001, False), (2100, 100, False), (2000, 100, True), (5000, 5000, True)],
)
async def test_photo_dimensions_follow_telegrams_rules(
    api: Api, width: int, height: int, ok: bool
) -> None:
    status, body = await api(
        "sendPhoto", {"photo": upload("p.png", png(width, height))}, chat_id=str(USER)
    )
    if ok:
        assert status == 200, body
    else:
        assert (status, body["description"]) == (400, "Bad Request: PHOTO_INVALID_DIMENSIONS")


async def test_uploads_over_telegrams_limits_are_too_big(fake: FakeBotApi, api: Api) -> None:
    big_photo = png(100, 100) + b"\x00" * (10 * MB)
    description = await api.error(
        "sendPhoto", {"photo": upload("p.png", big_photo)}, chat_id=str(USER)
    )
    assert description == "Bad Request: file is too big"
    big_document = b"\x00" * (50 * MB + 1)
    files = {"document": upload("big.bin", big_document, "application/octet-stream")}
    assert (
        await api.error("sendDocument", files, chat_id=str(USER)) == "Bad Request: file is too big"
    )
    files = {"document": upload("ok.bin", big_document[: 50 * MB], "application/octet-stream")}
    assert (await api.ok("sendDocument", files, chat_id=str(USER)))["document"][
        "file_size"
    ] == 50 * MB
    assert fake.violations == []


async def test_a_file_attached_by_a_missing_part_is_a_violation(
    fake: FakeBotApi, api: Api
) -> None:
    description = await api.error("sendPhoto", chat_id=USER, photo="attach://cover")
    assert description == "Bad Request: there is no photo in the request"
    files = {"other": upload("p.png", png(10, 10))}
    assert await api.ok("sendPhoto", files, chat_id=str(USER), photo="attach://other")
    unreferenced = await api.error("sendPhoto", files, chat_id=str(USER), photo="attach://cover")
    assert unreferenced == 'Bad Request: unknown parameter "other" for sendPhoto'
    assert len(fake.violations) == 2


async def test_documents_and_videos_answer_their_objects(fake: FakeBotApi, api: Api) -> None:
    files = {"document": upload("statement.pdf", b"%PDF-1.4 statement", "application/pdf")}
    result = await api.ok("sendDocument", files, chat_id=str(USER), caption="Statement")
    valid(result, "Message")
    document = result["document"]
    assert document["file_name"] == "statement.pdf"
    assert document["mime_type"] == "application/pdf"
    assert document["file_size"] == len(b"%PDF-1.4 statement")
    assert {"file_id", "file_unique_id"} <= document.keys()
    files = {"video": upload("clip.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4")}
    result = await api.ok(
        "sendVideo", files, chat_id=str(USER), width=640, height=360, duration=42
    )
    valid(result, "Message")
    video = result["video"]
    assert (video["width"], video["height"], video["duration"]) == (640, 360, 42)
    assert (video["file_name"], video["mime_type"], video["file_size"]) == (
        "clip.mp4",
        "video/mp4",
        12,
    )
    document_message, video_message = fake.messages(USER)
    assert (document_message.media, document_message.file_name) == ("document", "statement.pdf")
    assert document_message.caption_text == "Statement"
    assert (video_message.media, video_message.caption_text) == ("video", "")


async def test_file_ids_are_reused_and_checked(fake: FakeBotApi, api: Api) -> None:
    sent = await api.ok("sendPhoto", {"photo": upload("p.png", png(1000, 800))}, chat_id=str(USER))
    photo_id = sent["photo"][-1]["file_id"]
    files = {"document": upload("a.pdf", b"%PDF", "application/pdf")}
    document_id = (await api.ok("sendDocument", files, chat_id=str(USER)))["document"]["file_id"]
    again = await api.ok("sendPhoto", chat_id=USER, photo=photo_id, caption="again")
    assert again["photo"] == sent["photo"]  # the same file: its sizes and dimensions
    assert (await api.ok("sendDocument", chat_id=GROUP, document=document_id))["document"][
        "file_id"
    ] == document_id
    assert await api.error("sendPhoto", chat_id=USER, photo="AgACnever-issued") == WRONG_FILE
    assert await api.error("sendPhoto", chat_id=USER, photo=document_id) == (
        "Bad Request: can't use file of type Document as Photo"
    )
    assert await api.error("sendDocument", chat_id=USER, document=photo_id) == (
        "Bad Request: can't use file of type Photo as Document"
    )
    assert await api.error("sendVideo", chat_id=USER, video=document_id) == (
        "Bad Request: can't use file of type Document as Video"
    )
    assert fake.violations == []


async def test_caption_limit_and_parameters_of_media_senders(fake: FakeBotApi, api: Api) -> None:
    photo_id = fake.user_sends_photo()["photo"][-1]["file_id"]
    description = await api.error("sendPhoto", chat_id=USER, photo=photo_id, caption="c" * 1025)
    assert description == "Bad Request: message caption is too long"
    await api.ok(
        "sendPhoto",
        chat_id=USER,
        photo=photo_id,
        caption=f"<b>{'c' * 1024}</b>",
        parse_mode="HTML",
    )
    fake.add_chat(-1001234, "supergroup", is_forum=True)
    keyboard = {"inline_keyboard": [[{"text": "Read", "url": "https://example.org"}]]}
    result = await api.ok(
        "sendPhoto",
        chat_id=-1001234,
        photo=photo_id,
        message_thread_id=7,
        allow_paid_broadcast=True,
        has_spoiler=True,
        show_caption_above_media=True,
        caption="x",
        caption_entities=[{"type": "italic", "offset": 0, "length": 1}],
        reply_markup=keyboard,
    )
    valid(result, "Message")
    assert result["message_thread_id"] == 7
    assert result["reply_markup"] == keyboard
    assert result["has_media_spoiler"] is True
    assert result["show_caption_above_media"] is True
    assert result["caption_entities"] == [{"type": "italic", "offset": 0, "length": 1}]
    assert len(fake.violations) == 1


# -- by URL ------------------------------------------------------------------------------------


async def test_photos_by_url_are_fetched_and_failures_answered(
    fake: FakeBotApi, api: Api, site: FakeWebsite
) -> None:
    url = site.serve("cover.png", png(1024, 512), content_type="image/png")
    result = await api.ok("sendPhoto", chat_id=USER, photo=url)
    assert (result["photo"][-1]["width"], result["photo"][-1]["height"]) == (1024, 512)
    assert fake.url_fetches == [url]
    site.serve("error.png", png(10, 10))
    site.fail("error.png", "error")
    site.fail("huge.png", "huge")  # 6.5 MB: over the 5 MB Telegram fetches for a photo
    site.fail("loop.png", "loop")
    site.serve("big.png", png(10, 10) + b"\x00" * (5 * MB))
    failing = [
        site.url(p) for p in ("missing.png", "error.png", "huge.png", "loop.png", "big.png")
    ]
    failing.append("http://127.0.0.1:9/closed.png")
    for bad in failing:
        assert await api.error("sendPhoto", chat_id=USER, photo=bad) == URL_FAILED, bad
    page = site.serve("page.html", b"<html><body>no image</body></html>")
    assert await api.error("sendPhoto", chat_id=USER, photo=page) == (
        "Bad Request: IMAGE_PROCESS_FAILED"
    )
    assert fake.url_fetches == [url, *failing, page]
    assert len(fake.messages(USER)) == 1
    assert fake.violations == []


async def test_a_slow_url_times_out(fake: FakeBotApi, api: Api, site: FakeWebsite) -> None:
    fake.files.fetch_timeout = 0.2
    url = site.serve("slow.png", png(10, 10))
    site.fail("slow.png", "slow", delay=1.0)
    assert await api.error("sendPhoto", chat_id=USER, photo=url) == URL_FAILED


async def test_documents_by_url(fake: FakeBotApi, api: Api, site: FakeWebsite) -> None:
    url = site.serve("files/report.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    document = (await api.ok("sendDocument", chat_id=USER, document=url))["document"]
    assert (document["file_name"], document["mime_type"]) == ("report.pdf", "application/pdf")
    page = site.serve("page.html", b"<html></html>")
    assert await api.error("sendDocument", chat_id=USER, document=page) == (
        "Bad Request: wrong type of the web page content"  # only GIF, PDF and ZIP by URL
    )
    big = site.serve("big.pdf", b"%PDF" + b"\x00" * (20 * MB), content_type="application/pdf")
    assert await api.error("sendDocument", chat_id=USER, document=big) == URL_FAILED
    assert site.requests["big.pdf"] == 1


# -- sendMediaGroup ----------------------------------------------------------------------------


async def test_media_group_sends_an_album_with_one_media_group_id(
    fake: FakeBotApi, api: Api
) -> None:
    video_id = fake.user_sends_video()["video"]["file_id"]
    photo_id = fake.user_sends_photo(width=800, height=800)["photo"][-1]["file_id"]
    media = [
        {"type": "photo", "media": "attach://one"},
        {
            "type": "photo",
            "media": "attach://two",
            "caption": "<i>Second</i>",
            "parse_mode": "HTML",
        },
        {"type": "video", "media": video_id},
        {"type": "photo", "media": photo_id},
    ]
    files = {
        "one": upload("1.png", png(640, 480)),
        "two": upload("2.jpg", jpeg(480, 640), "image/jpeg"),
    }
    result = await api.ok("sendMediaGroup", files, chat_id=str(GROUP), media=media)
    valid(result, "Array of Message")
    assert [m["message_id"] for m in result] == [1, 2, 3, 4]
    assert len({m["media_group_id"] for m in result}) == 1
    assert [("caption" in m) for m in result] == [False, True, False, False]
    assert result[1]["caption_entities"] == [{"type": "italic", "offset": 0, "length": 6}]
    assert (result[1]["photo"][-1]["width"], result[1]["photo"][-1]["height"]) == (480, 640)
    assert result[2]["video"]["file_id"] == video_id
    messages = fake.messages(GROUP)
    assert [m.media for m in messages] == ["photo", "photo", "video", "photo"]
    assert [m.caption_text for m in messages] == ["", "Second", "", ""]
    assert {m.media_group_id for m in messages} == {result[0]["media_group_id"]}
    assert fake.calls[-1].message_count == 4
    assert fake.violations == []


async def test_media_group_as_a_json_body(fake: FakeBotApi, api: Api) -> None:
    ids = [m["document"]["file_id"] for m in fake.user_sends_album(3, kind="document")]
    media = [{"type": "document", "media": i, "caption": f"Part {n}"} for n, i in enumerate(ids)]
    result = await api.json("sendMediaGroup", chat_id=USER, media=media)
    assert [m["caption"] for m in result] == ["Part 0", "Part 1", "Part 2"]
    assert [m["document"]["file_id"] for m in result] == ids
    second = await api.json("sendMediaGroup", chat_id=USER, media=media[:2])
    assert second[0]["media_group_id"] != result[0]["media_group_id"]


@pytest.mark.parametrize(
    ("media", "description"),
    [
        ([], "there are no messages to send"),
        (["photo"], "media group must contain 2-10 items"),
        (["photo"] * 11, "too many messages to send as an album"),
        (["photo", "document"], "document can't be mixed with other media types"),
        (["audio", "audio", "video"], "audio can't be mixed with other media types"),
        (["photo", "animation"], "media[1] must be InputMediaAudio or InputMediaDocument"),
    ],
)
async def test_media_group_rules_of_the_docs(
    fake: FakeBotApi, api: Api, media: list[str], description: str
) -> None:
    ids = {
        "photo": fake.user_sends_photo()["photo"][-1]["file_id"],
        "video": fake.user_sends_video()["video"]["file_id"],
        "document": fake.user_sends_document()["document"]["file_id"],
        "audio": fake.user_sends_audio()["audio"]["file_id"],
        "animation": fake.user_sends_animation()["animation"]["file_id"],
    }
    items = [{"type": kind, "media": ids[kind]} for kind in media]
    answer = await api.error("sendMediaGroup", chat_id=USER, media=items)
    assert answer.startswith("Bad Request: ")
    assert description in answer
    assert fake.messages(USER) == []
    assert len(fake.violations) == 1


async def test_media_group_captions_markup_and_caption_placement(
    fake: FakeBotApi, api: Api
) -> None:
    photo_id = fake.user_sends_photo()["photo"][-1]["file_id"]
    long_caption = [{"type": "photo", "media": photo_id, "caption": "c" * 1025}] * 2
    assert await api.error("sendMediaGroup", chat_id=USER, media=long_caption) == (
        "Bad Request: message caption is too long"
    )
    broken = [{"type": "photo", "media": photo_id, "caption": "<b>x", "parse_mode": "HTML"}] * 2
    assert (await api.error("sendMediaGroup", chat_id=USER, media=broken)).startswith(
        "Bad Request: can't parse entities"
    )
    two = [{"type": "photo", "media": photo_id}] * 2
    keyboard = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    answer = await api.error("sendMediaGroup", chat_id=USER, media=two, reply_markup=keyboard)
    assert 'unknown parameter "reply_markup"' in answer  # albums take no keyboard
    placed = [{**two[0], "show_caption_above_media": True}, two[1]]
    assert await api.error("sendMediaGroup", chat_id=USER, media=placed) == (
        "Bad Request: parameter show_caption_above_media must be the same for all messages"
    )
    assert fake.messages(USER) == []
    assert len(fake.violations) == 4


async def test_media_group_items_that_fail(fake: FakeBotApi, api: Api, site: FakeWebsite) -> None:
    photo_id = fake.user_sends_photo()["photo"][-1]["file_id"]
    unknown = [{"type": "photo", "media": photo_id}, {"type": "photo", "media": "AgACunknown"}]
    assert await api.error("sendMediaGroup", chat_id=USER, media=unknown) == WRONG_FILE
    unattached = [
        {"type": "photo", "media": photo_id},
        {"type": "photo", "media": "attach://gone"},
    ]
    assert await api.error("sendMediaGroup", chat_id=USER, media=unattached) == (
        "Bad Request: can't parse InputMedia: media not found"
    )
    assert len(fake.violations) == 1  # the missing part is the bot's mistake; the rest is not
    failing = [
        {"type": "photo", "media": photo_id},
        {"type": "photo", "media": site.url("none.png")},
    ]
    assert await api.error("sendMediaGroup", chat_id=USER, media=failing) == (
        'Bad Request: failed to send message #2 with the error message "Failed to get HTTP URL '
        'content"'
    )
    page = site.serve("page.html", b"<html></html>")
    not_image = [{"type": "photo", "media": page}, {"type": "photo", "media": photo_id}]
    assert await api.error("sendMediaGroup", chat_id=USER, media=not_image) == (
        'Bad Request: failed to send message #1 with the error message "IMAGE_PROCESS_FAILED"'
    )
    assert fake.messages(USER) == []  # every file is resolved before anything is sent


# -- editMessageCaption and editMessageMedia ---------------------------------------------------


async def test_edit_message_caption_of_media_messages(fake: FakeBotApi, api: Api) -> None:
    ids = {
        "photo": fake.user_sends_photo()["photo"][-1]["file_id"],
        "document": fake.user_sends_document()["document"]["file_id"],
        "video": fake.user_sends_video()["video"]["file_id"],
    }
    for kind, file_id in ids.items():
        sent = await api.ok(f"send{kind.title()}", chat_id=GROUP, caption="old", **{kind: file_id})
        edit = {"chat_id": GROUP, "message_id": sent["message_id"]}
        edited = await api.ok(
            "editMessageCaption", **edit, caption="<b>new</b>", parse_mode="HTML"
        )
        assert (edited["caption"], edited[kind]) == ("new", sent[kind])
        assert "edit_date" in edited
        again = await api.error(
            "editMessageCaption", **edit, caption="<b>new</b>", parse_mode="HTML"
        )
        assert again == NOT_MODIFIED
        assert await api.error("editMessageText", **edit, text="text") == (
            "Bad Request: there is no text in the message to edit"
        )
        assert "caption" not in await api.ok("editMessageCaption", **edit)  # no caption: removed
    text = await api.ok("sendMessage", chat_id=GROUP, text="plain")
    assert (
        await api.error(
            "editMessageCaption", chat_id=GROUP, message_id=text["message_id"], caption="c"
        )
        == "Bad Request: there is no caption in the message to edit"
    )
    assert [m.caption_text for m in fake.messages(GROUP)] == ["", "", "", None]
    assert fake.violations == []


async def test_edit_message_media_replaces_media_and_caption(fake: FakeBotApi, api: Api) -> None:
    photo_id = fake.user_sends_photo()["photo"][-1]["file_id"]
    document_id = fake.user_sends_document("statement.pdf")["document"]["file_id"]
    sent = await api.ok("sendPhoto", chat_id=USER, photo=photo_id, caption="Photo")
    edit = {"chat_id": USER, "message_id": sent["message_id"]}
    media = {
        "type": "document",
        "media": document_id,
        "caption": "<b>Doc</b>",
        "parse_mode": "HTML",
    }
    edited = await api.ok("editMessageMedia", **edit, media=media)
    valid(edited, "Message")
    assert "photo" not in edited
    assert (edited["document"]["file_name"], edited["caption"]) == ("statement.pdf", "Doc")
    assert await api.error("editMessageMedia", **edit, media=media) == NOT_MODIFIED
    keyboard = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    with_markup = await api.ok("editMessageMedia", **edit, media=media, reply_markup=keyboard)
    assert with_markup["reply_markup"] == keyboard
    bare = await api.ok(
        "editMessageMedia", **edit, media={"type": "document", "media": document_id}
    )
    assert "caption" not in bare  # an InputMedia without caption removes the caption
    assert "reply_markup" not in bare  # as with other edits, no markup removes it
    uploaded = await api.ok(
        "editMessageMedia",
        {"new": upload("new.gif", gif(300, 200), "image/gif")},
        **{k: str(v) for k, v in edit.items()},
        media={"type": "photo", "media": "attach://new"},
    )
    assert (uploaded["photo"][-1]["width"], uploaded["photo"][-1]["height"]) == (300, 200)
    message = fake.messages(USER)[0]
    assert (message.media, message.caption_text, message.edited) == ("photo", "", True)
    assert (
        await api.error(
            "editMessageMedia", **edit, media={"type": "photo", "media": "AgACunknown"}
        )
        == WRONG_FILE
    )
    assert fake.violations == []


async def test_edit_message_media_in_albums(fake: FakeBotApi, api: Api) -> None:
    photo_id = fake.user_sends_photo()["photo"][-1]["file_id"]
    video_id = fake.user_sends_video()["video"]["file_id"]
    document_id = fake.user_sends_document()["document"]["file_id"]
    visual = await api.ok(
        "sendMediaGroup", chat_id=USER, media=[{"type": "photo", "media": photo_id}] * 2
    )
    documents = await api.ok(
        "sendMediaGroup", chat_id=USER, media=[{"type": "document", "media": document_id}] * 2
    )
    photo_message = {"chat_id": USER, "message_id": visual[0]["message_id"]}
    document_message = {"chat_id": USER, "message_id": documents[0]["message_id"]}
    to_video = await api.ok(
        "editMessageMedia", **photo_message, media={"type": "video", "media": video_id}
    )
    assert to_video["media_group_id"] == visual[0]["media_group_id"]
    refused = "Bad Request: can't use the media of the specified type in the album"
    as_document = {"type": "document", "media": document_id}
    assert await api.error("editMessageMedia", **photo_message, media=as_document) == refused
    as_photo = {"type": "photo", "media": photo_id}
    assert await api.error("editMessageMedia", **document_message, media=as_photo) == refused
    other = fake.user_sends_document("other.pdf")["document"]["file_id"]
    await api.ok(
        "editMessageMedia", **document_message, media={"type": "document", "media": other}
    )
    assert len(fake.violations) == 2


async def test_edit_message_media_adds_media_to_a_text_message(fake: FakeBotApi, api: Api) -> None:
    # The spec: "Use this method to edit ... messages, or to add media to text messages".
    photo_id = fake.user_sends_photo()["photo"][-1]["file_id"]
    text = await api.ok("sendMessage", chat_id=USER, text="Soon: a photo")
    media = {"type": "photo", "media": photo_id, "caption": "Here it is"}
    edited = await api.ok(
        "editMessageMedia", chat_id=USER, message_id=text["message_id"], media=media
    )
    assert ("text" in edited, edited["caption"], edited["photo"][-1]["file_id"]) == (
        False,
        "Here it is",
        photo_id,
    )
    users_message = fake.user_sends("hi")
    assert (
        await api.error(
            "editMessageMedia", chat_id=USER, message_id=users_message["message_id"], media=media
        )
        == "Bad Request: message can't be edited"
    )
    voice = await api.ok(
        "sendVoice", chat_id=USER, voice=fake.user_sends_voice()["voice"]["file_id"]
    )
    assert (
        await api.error(
            "editMessageMedia", chat_id=USER, message_id=voice["message_id"], media=media
        )
        == "Bad Request: there is no media in the message to edit"
    )


async def test_album_messages_are_deleted_one_by_one(fake: FakeBotApi, api: Api) -> None:
    photo_id = fake.user_sends_photo()["photo"][-1]["file_id"]
    album = await api.ok(
        "sendMediaGroup", chat_id=GROUP, media=[{"type": "photo", "media": photo_id}] * 3
    )
    ids = [m["message_id"] for m in album]
    assert await api.ok("deleteMessages", chat_id=GROUP, message_ids=ids[:2]) is True
    assert [m.deleted for m in fake.messages(GROUP)] == [True, True, False]
    assert await api.ok("deleteMessage", chat_id=GROUP, message_id=ids[2]) is True
    assert all(m.deleted for m in fake.messages(GROUP))


# -- what users send ---------------------------------------------------------------------------


async def test_users_send_media_that_python_telegram_bot_reads(
    fake: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # durations as timedelta, without PTB's warning
    bold = [{"type": "bold", "offset": 0, "length": 4}]
    sent = {
        "photo": fake.user_sends_photo("Look https://example.org", width=1280, height=720),
        "bold": fake.user_sends_photo("Bold caption", caption_entities=bold, user_id=2002),
        "document": fake.user_sends_document("statement.pdf", size=210_000, caption="Mine"),
        "video": fake.user_sends_video(width=1920, height=1080, duration=30),
        "sticker": fake.user_sends_sticker("🎉"),
        "voice": fake.user_sends_voice(duration=7),
        "audio": fake.user_sends_audio(performer="Band", title="Song"),
        "animation": fake.user_sends_animation(),
        "group": fake.user_sends_photo(chat_id=GROUP, chat_type="group"),
    }
    album = fake.user_sends_album(3, "Album caption")
    updates = fake.pending_updates
    assert len(updates) == len(sent) + 3
    for update in updates:
        valid(update["message"], "Message")
    read = [Update.de_json(update, None).message for update in updates]
    assert all(message is not None for message in read)
    photo, bold_photo, document, video, sticker, voice, audio, animation, group, *albums = [
        m for m in read if m is not None
    ]
    assert [(p.width, p.height) for p in photo.photo] == [(90, 51), (1280, 720)]
    assert photo.caption == "Look https://example.org"
    assert photo.caption_entities[0].type == "url"  # detected, as Telegram does
    assert bold_photo.caption_entities[0].type == "bold"
    assert bold_photo.from_user is not None and bold_photo.from_user.id == 2002
    assert document.document is not None
    assert (document.document.file_name, document.document.file_size) == ("statement.pdf", 210_000)
    assert document.document.mime_type == "application/pdf"
    assert document.caption == "Mine"
    assert video.video is not None and (video.video.width, video.video.height) == (1920, 1080)
    assert sticker.sticker is not None and sticker.sticker.emoji == "🎉"
    assert voice.voice is not None and voice.voice.duration.total_seconds() == 7
    assert audio.audio is not None and (audio.audio.performer, audio.audio.title) == (
        "Band",
        "Song",
    )
    assert animation.animation is not None and animation.document is not None
    assert animation.document.file_id == animation.animation.file_id
    assert group.chat.type == "group"
    assert len({m.media_group_id for m in albums}) == 1 and albums[0].media_group_id
    assert [m.caption for m in albums] == ["Album caption", None, None]
    assert sent["sticker"]["sticker"]["file_id"] != sent["voice"]["voice"]["file_id"]
    assert len({m["photo"][-1]["file_id"] for m in album}) == 3


async def test_the_bot_reuses_files_users_sent(fake: FakeBotApi, api: Api) -> None:
    photo = fake.user_sends_photo(width=640, height=960)["photo"]
    document_id = fake.user_sends_document("a.pdf")["document"]["file_id"]
    album_ids = [m["photo"][-1]["file_id"] for m in fake.user_sends_album(2)]
    resent = await api.ok("sendPhoto", chat_id=GROUP, photo=photo[-1]["file_id"])
    assert resent["photo"] == photo
    assert (resent["photo"][-1]["width"], resent["photo"][-1]["height"]) == (640, 960)
    small = await api.ok("sendPhoto", chat_id=GROUP, photo=photo[0]["file_id"])
    assert [(p["width"], p["height"]) for p in small["photo"]] == [(60, 90)]
    await api.ok("sendDocument", chat_id=GROUP, document=document_id)
    album = await api.ok(
        "sendMediaGroup", chat_id=GROUP, media=[{"type": "photo", "media": i} for i in album_ids]
    )
    edited = await api.ok(
        "editMessageMedia",
        chat_id=GROUP,
        message_id=album[0]["message_id"],
        media={"type": "photo", "media": photo[-1]["file_id"]},
    )
    assert edited["photo"] == photo
    assert fake.violations == []


# -- getFile and downloads ---------------------------------------------------------------------


async def test_get_file_and_download(fake: FakeBotApi, api: Api) -> None:
    document = fake.user_sends_document("statement.pdf", size=210_000)["document"]
    file = await api.ok("getFile", file_id=document["file_id"])
    valid(file, "File")
    assert (file["file_id"], file["file_unique_id"]) == (
        document["file_id"],
        document["file_unique_id"],
    )
    assert file["file_size"] == 210_000
    assert file["file_path"].endswith(".pdf")
    photo = fake.user_sends_photo(width=320, height=200)["photo"][-1]
    photo_path = (await api.ok("getFile", file_id=photo["file_id"]))["file_path"]
    image = png(256, 256)
    uploaded = await api.ok("sendPhoto", {"photo": upload("p.png", image)}, chat_id=str(USER))
    uploaded_path = (await api.ok("getFile", file_id=uploaded["photo"][-1]["file_id"]))[
        "file_path"
    ]
    base = fake.base_file_url
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{base}{TOKEN}/{file['file_path']}")
        assert (response.status_code, len(response.content)) == (200, 210_000)
        assert response.headers["content-type"] == "application/pdf"
        response = await client.get(f"{base}{TOKEN}/{photo_path}")
        assert image_size(response.content) == ("png", 320, 200)
        assert len(response.content) == photo["file_size"]
        assert (await client.get(f"{base}{TOKEN}/{uploaded_path}")).content == image
        assert (await client.get(f"{base}{TOKEN}/documents/never.pdf")).status_code == 404
        assert (await client.get(f"{base}123456:wrong/{file['file_path']}")).status_code == 404
    assert fake.files.downloads == [file["file_path"], photo_path, uploaded_path]
    huge = fake.user_sends_document("huge.zip", size=20 * MB + 1)["document"]["file_id"]
    assert await api.error("getFile", file_id=huge) == "Bad Request: file is too big"
    assert await api.error("getFile", file_id="BQACunknown") == (
        "Bad Request: wrong file_id or the file is temporarily unavailable"
    )
    assert fake.violations == []


# -- flood control counts every message of an album ---------------------------------------------


async def test_albums_count_as_many_messages_against_flood_limits() -> None:
    async with (
        FakeBotApi(TOKEN, per_chat_limit=True) as fake,
        httpx.AsyncClient(base_url=f"{fake.base_url}{TOKEN}/") as client,
    ):
        api = Api(client)
        photo_id = fake.user_sends_photo()["photo"][-1]["file_id"]
        ten = [{"type": "photo", "media": photo_id}] * 10
        assert (await api("sendMediaGroup", chat_id=GROUP, media=ten[:1]))[0] == 400
        await api.ok("sendMediaGroup", chat_id=GROUP, media=ten)  # the refused one counted none
        await api.ok("sendMediaGroup", chat_id=GROUP, media=ten)  # 20 a minute in a group
        status, body = await api("sendMessage", chat_id=GROUP, text="one more")
        assert (status, body["error_code"]) == (429, 429)
        await api.ok("sendMediaGroup", chat_id=USER, media=ten[:3])  # an album goes out at once
        status, _ = await api("sendMessage", chat_id=USER, text="then wait")
        assert status == 429
        counts = [(c.method, c.message_count) for c in fake.calls]
        assert counts == [
            ("sendMediaGroup", 0),
            ("sendMediaGroup", 10),
            ("sendMediaGroup", 10),
            ("sendMessage", 0),
            ("sendMediaGroup", 3),
            ("sendMessage", 0),
        ]
    async with (
        FakeBotApi(TOKEN, rate_limit=5) as fake,
        httpx.AsyncClient(base_url=f"{fake.base_url}{TOKEN}/") as client,
    ):
        api = Api(client)
        photo_id = fake.user_sends_photo()["photo"][-1]["file_id"]
        await api.ok(
            "sendMediaGroup", chat_id=USER, media=[{"type": "photo", "media": photo_id}] * 5
        )
        status, _ = await api("sendMessage", chat_id=2002, text="over the global limit")
        assert status == 429
        assert fake.flood_429_count == 1


# -- through python-telegram-bot ---------------------------------------------------------------


async def test_python_telegram_bot_sends_and_edits_media(
    fake: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    photo_id = fake.user_sends_photo(width=1600, height=900)["photo"][-1]["file_id"]
    async with telegram.Bot(
        TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url
    ) as bot:
        photo = await bot.send_photo(
            USER, photo_id, caption="<b>Cover</b>", parse_mode=ParseMode.HTML
        )
        assert (photo.photo[-1].width, photo.photo[-1].height) == (1600, 900)
        assert photo.caption == "Cover"
        album = await bot.send_media_group(
            USER,
            [
                InputMediaPhoto(photo_id, caption="From Telegram"),
                InputMediaPhoto(
                    png(400, 300), caption="<i>Uploaded</i>", parse_mode=ParseMode.HTML
                ),
            ],
        )
        assert len({m.media_group_id for m in album}) == 1
        assert [m.caption for m in album] == ["From Telegram", "Uploaded"]
        assert (album[1].photo[-1].width, album[1].photo[-1].height) == (400, 300)
        pdf = b"%PDF-1.4 press release"
        document = await bot.send_document(USER, InputFile(pdf, filename="release.pdf"))
        assert document.document is not None
        assert (document.document.file_name, document.document.mime_type) == (
            "release.pdf",
            "application/pdf",
        )
        edited = await bot.edit_message_media(
            # Bytes, so that PTB attaches them as attach://<part>: a hand-made InputFile is
            # sent under the name "media" itself, which Telegram would not find.
            InputMediaDocument(b"%PDF-1.4 corrected", caption="v2", filename="release-v2.pdf"),
            USER,
            document.message_id,
        )
        assert isinstance(edited, telegram.Message) and edited.document is not None
        assert (edited.document.file_name, edited.caption) == ("release-v2.pdf", "v2")
        file = await bot.get_file(document.document.file_id)
        assert bytes(await file.download_as_bytearray()) == pdf
    messages = fake.messages(USER)
    assert [m.media for m in messages] == ["photo", "photo", "photo", "document"]
    assert messages[1].media_group_id == messages[2].media_group_id is not None
    assert messages[3].file_name == "release-v2.pdf"
    assert fake.violations == []
