"""End to end: photos from the website's feed and from an items file, sent by URL or uploaded
the first time and by Telegram's file_id after; a photo Telegram can't fetch holds nothing back."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import PAGE_TIME
from fakes import FakeBotApi
from fakes.images import png
from fakes.models import UploadedFile
from fakes.website import FakeWebsite
from harness import SettableClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.ingest.items_file import import_items_file
from test_bot_sources import ADMIN, READERS, later, poll_now, started, subscribe_readers

VISIT = "The Ambassador visits Edinburgh"
LOST = "The Embassy's reception"


def rss(*entries: tuple[str, str, str | None]) -> bytes:
    """A feed of (title, guid, enclosure URL) entries."""
    items = []
    for title, guid, enclosure in entries:
        attached = (
            f'<enclosure url="{enclosure}" type="image/png" length="2000"/>' if enclosure else ""
        )
        items.append(
            f"<item><title>{title}</title><guid>{guid}</guid>"
            "<pubDate>Thu, 18 Oct 2018 09:00:00 +0100</pubDate>"
            f"<description>{title}: the Embassy reports.</description>{attached}</item>"
        )
    body = "".join(items)
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Embassy</title>'
        f"<link>https://www.rusemb.org.uk/</link>{body}</channel></rss>"
    ).encode()


async def test_a_feed_photo_is_fetched_by_telegram_once_and_a_broken_one_holds_nothing_back(
    fake_api: FakeBotApi, tmp_path: Path, website: FakeWebsite
) -> None:
    photo_url = website.serve("visit.png", png(1200, 800), content_type="image/png")
    url = website.serve(
        "news.xml", rss(("Old news", "old", None)), content_type="application/rss+xml"
    )
    bot = await started(
        fake_api,
        tmp_path / "bot.sqlite3",
        SettableClock(PAGE_TIME),
        feed_urls=(url,),
        feed_autopublish=True,
    )
    try:
        await poll_now(bot)  # the backlog: kept, not sent
        await subscribe_readers(bot)
        website.serve(
            "news.xml",
            rss(
                ("Old news", "old", None),
                (VISIT, "visit", photo_url),
                (LOST, "lost", website.url("missing.png")),
            ),
            content_type="application/rss+xml",
        )
        [report] = await later(bot)
        assert len(report.published) == 2
        for reader in READERS:
            await fake_api.wait_for_messages(reader, 3)
        notice = await bot.wait_for_message_starting(ADMIN, "Release ")
    finally:
        await stop_bot(bot.application)
    assert notice.text is not None and LOST in notice.text and "without a photo" in notice.text
    assert "missing.png" in notice.text and "failed to get HTTP URL content" in notice.text
    for reader in READERS:
        [visit] = [m for m in fake_api.messages(reader) if (m.text or "").startswith(VISIT)]
        [lost] = [m for m in fake_api.messages(reader) if (m.text or "").startswith(LOST)]
        assert visit.media == "photo" and visit.width == 1200
        assert (visit.caption_text or "").startswith(VISIT)
        assert lost.media is None and (lost.text or "").startswith(LOST)  # went without
    # Telegram fetched the photo once; every later copy names its file_id.
    assert fake_api.url_fetches.count(photo_url) == 1
    sent = [
        c.params["photo"] for c in fake_api.calls if c.method == "sendPhoto" and c.status == 200
    ]
    assert sent[0] == photo_url and set(sent[1:]) == {visit.file_id}
    assert len(sent) == len(READERS)


async def test_an_items_file_photo_and_document_are_uploaded_once(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    (tmp_path / "visit.png").write_bytes(png(640, 480))
    (tmp_path / "note.pdf").write_bytes(b"%PDF-1.4 a note verbale")
    items = tmp_path / "items.json"
    items.write_text(
        json.dumps(
            {
                "format": "pressbot-items/1",
                "items": [
                    {
                        "kind": "press_release",
                        "title": VISIT,
                        "body": "The Ambassador visited Edinburgh.",
                        "published": "2018-10-18T09:00:00+01:00",
                        "media": [
                            {"photo": "visit.png"},
                            {"document": "note.pdf", "name": "Note verbale.pdf"},
                        ],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    running = make_bot(fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME), seed=False)
    await start_bot(running.application)
    try:
        report = await import_items_file(running.database, items, PAGE_TIME)
        assert report.items_added == 1
        [item] = (await running.database.items.latest(1)).headlines
        for reader in READERS:  # each reads it: the photo goes up for the first only
            [photo, note, text] = await running.say(
                f"/read_{item.id}", replies=3, chat_id=reader, user_id=reader
            )
            assert photo.media == "photo" and (photo.width, photo.height) == (640, 480)
            assert note.media == "document" and note.file_name == "Note verbale.pdf"
            assert (text.text or "").startswith(VISIT)
        stored = await running.database.items.get(item.id)
    finally:
        await stop_bot(running.application)
    sent = [c.params["photo"] for c in fake_api.calls if c.method == "sendPhoto"]
    assert isinstance(sent[0], UploadedFile) and sent[0].filename == "visit.png"
    assert stored is not None and stored.media[0].file_id == sent[1]
    assert sent[1] == fake_api.messages(READERS[0])[-3].file_id
    documents = [c.params["document"] for c in fake_api.calls if c.method == "sendDocument"]
    assert isinstance(documents[0], UploadedFile) and isinstance(documents[1], str)
