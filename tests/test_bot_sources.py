"""End to end: the bot follows the embassy's website, with a fake website and a fake Telegram."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from conftest import PAGE_TIME
from fakes import FakeBotApi, SentMessage
from fakes.website import FIXTURES, FakeWebsite
from harness import RunningBot, SettableClock, make_bot, wait_for_job
from lifecycle import start_bot, stop_bot
from pressbot.bot.context import PressApplication
from pressbot.bot.website_jobs import INGEST_JOB, poll_due_sources
from pressbot.ingest import texts
from pressbot.ingest.polling import PollReport
from pressbot.texts import team as team_texts

ADMIN = 9001
READERS = (2001, 2002)
INTERVAL = timedelta(seconds=600)
VISA = "Embassy comment on the visa queue"
SALISBURY = "Statement on the Salisbury anniversary"


async def started(
    fake: FakeBotApi,
    db_path: Path,
    clock: SettableClock,
    *,
    polling_job: bool = False,
    **settings: Any,
) -> RunningBot:
    """A bot with website sources; the test polls them with poll_now, so the polling job's own
    runs (at start, then every few seconds) are taken off the queue before it starts, unless
    `polling_job` (the test is about the job)."""
    running = make_bot(
        fake, db_path, clock, admin_ids=frozenset({ADMIN}), progress_interval=0.5, **settings
    )
    application = running.application
    if not polling_job:
        post_init = application.post_init
        assert post_init is not None

        async def without_polling_job(app: PressApplication) -> None:
            await post_init(app)
            assert app.job_queue is not None
            for job in app.job_queue.get_jobs_by_name(INGEST_JOB):
                job.schedule_removal()

        application.post_init = without_polling_job
    await start_bot(application)
    return running


async def poll_now(bot: RunningBot) -> list[PollReport]:
    """Run the polling job's work now (the job itself looks every few seconds)."""
    application = bot.application
    return await poll_due_sources(application.bot, application.bot_data)


async def later(bot: RunningBot, delta: timedelta = INTERVAL) -> list[PollReport]:
    bot.clock.now += delta
    return await poll_now(bot)


async def held_notice_of_news(bot: RunningBot, website: FakeWebsite) -> SentMessage:
    """The feed gains two entries; at the next poll the admin's notice of them, held."""
    website.serve("news.xml", "rss.xml")
    await later(bot)
    [notice] = await bot.new_messages(ADMIN, 1)
    return notice


async def subscribe_readers(bot: RunningBot) -> None:
    for reader in READERS:
        await bot.say("/start", chat_id=reader, user_id=reader)


def texts_in(bot: RunningBot, chat_id: int) -> list[str]:
    return [message.text or "" for message in bot.fake.messages(chat_id)]


async def test_a_new_feed_entry_reaches_every_subscriber_once_across_restarts(
    fake_api: FakeBotApi, tmp_path: Path, website: FakeWebsite
) -> None:
    url = website.serve("news.xml", "atom.xml")
    clock = SettableClock(PAGE_TIME)
    path = tmp_path / "bot.sqlite3"
    bot = await started(fake_api, path, clock, feed_urls=(url,), feed_autopublish=True)
    try:
        await poll_now(bot)  # the backlog: kept, not sent
        await subscribe_readers(bot)
        assert await bot.database.items.count() == 13  # 11 seeded, 2 from the feed
    finally:
        await stop_bot(bot.application)

    website.serve("news.xml", "rss.xml")  # two new releases while the bot is down
    bot = await started(fake_api, path, clock, feed_urls=(url,), feed_autopublish=True)
    try:
        [report] = await later(bot)
        assert len(report.published) == 2
        for reader in READERS:
            messages = await fake_api.wait_for_messages(reader, 3)
            assert SALISBURY in (messages[1].text or "") and VISA in (messages[2].text or "")
        website.serve("news.xml", "rss_reordered.xml")  # re-ordered, re-dated
        [report] = await later(bot)
        assert (report.published, report.imported, report.corrected) == ([], [], [])
    finally:
        await stop_bot(bot.application)

    bot = await started(fake_api, path, clock, feed_urls=(url,), feed_autopublish=True)
    try:
        website.serve("news.xml", "rss.xml")  # the old entries, sent once more
        [report] = await later(bot)
        assert (report.published, report.imported, report.error) == ([], [], None)
        await later(bot)  # unchanged now: one 304
        assert website.not_modified["news.xml"] == 1
        assert await bot.database.items.count() == 15
        await asyncio.sleep(0.5)  # time for any stray delivery to show up
    finally:
        await stop_bot(bot.application)
    for reader in READERS:
        assert len(fake_api.messages(reader)) == 3  # welcome and the two releases, once each


async def test_new_entries_wait_for_an_admins_publish(
    fake_api: FakeBotApi, tmp_path: Path, website: FakeWebsite
) -> None:
    url = website.serve("news.xml", "atom.xml")
    bot = await started(
        fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME), feed_urls=(url,)
    )
    try:
        await poll_now(bot)
        await subscribe_readers(bot)
        notice = await held_notice_of_news(bot, website)
        assert notice.text is not None
        assert notice.text.startswith("2 new entries from the website wait for Publish.")
        assert SALISBURY in notice.text and VISA in notice.text
        rows = notice.reply_markup["inline_keyboard"] if notice.reply_markup else []
        assert [row[0]["text"] for row in rows] == [f"Publish: {SALISBURY}", f"Publish: {VISA}"]
        assert all(len(fake_api.messages(reader)) == 1 for reader in READERS)  # only welcome

        [[publish, _], [publish_visa, skip_visa]] = rows
        [_, waiting] = await bot.say("/sources", replies=2, chat_id=ADMIN, user_id=ADMIN)
        await bot.press(notice, publish["callback_data"], replies=1, user_id=ADMIN)
        answer = texts_in(bot, ADMIN)[-1]
        assert answer.startswith("Published as /read_")
        for reader in READERS:
            [_, release] = await fake_api.wait_for_messages(reader, 2)
            assert SALISBURY in (release.text or "")
        await bot.wait_for_message_starting(ADMIN, "Delivery report")  # a job's, in its time
        remaining = fake_api.find_message(ADMIN, notice.message_id)
        assert remaining is not None and remaining.reply_markup is not None
        assert len(remaining.reply_markup["inline_keyboard"]) == 1  # the pressed row went

        # The same button under /sources' list publishes nothing more.
        await bot.press(waiting, publish["callback_data"], replies=1, user_id=ADMIN)
        assert texts_in(bot, ADMIN)[-1] == texts.NOT_HELD
        await bot.press(notice, skip_visa["callback_data"], replies=1, user_id=ADMIN)
        assert texts_in(bot, ADMIN)[-1] == f"Skipped: “{VISA}” will not be published."
        assert await bot.database.source_entries.held() == []
        await bot.press(waiting, publish_visa["callback_data"], replies=1, user_id=ADMIN)
        assert texts_in(bot, ADMIN)[-1] == texts.NOT_HELD  # skipped is skipped
    finally:
        await stop_bot(bot.application)
    for reader in READERS:
        assert len(fake_api.messages(reader)) == 2


async def test_only_admins_publish_held_entries(
    fake_api: FakeBotApi, tmp_path: Path, website: FakeWebsite
) -> None:
    url = website.serve("news.xml", "atom.xml")
    bot = await started(
        fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME), feed_urls=(url,)
    )
    try:
        await poll_now(bot)
        notice = await held_notice_of_news(bot, website)
        [reply] = await bot.say("/sources", chat_id=READERS[0], user_id=READERS[0])
        assert reply.text == team_texts.NOT_MEMBER
        rows = notice.reply_markup["inline_keyboard"] if notice.reply_markup else []
        query = await bot.press(notice, rows[0][0]["callback_data"], user_id=READERS[0])
        assert fake_api.answered_callbacks[query].get("text") == team_texts.NOT_MEMBER
        assert len(await bot.database.source_entries.held()) == 2
    finally:
        await stop_bot(bot.application)


async def test_a_failing_source_gives_one_message_and_one_on_recovery(
    fake_api: FakeBotApi, tmp_path: Path, website: FakeWebsite
) -> None:
    good = website.serve("news.xml", "atom.xml")
    page = website.serve("en/", "press_page.html")
    broken = website.serve("broken.xml", "rss.xml")
    website.fail("broken.xml", "error")
    bot = await started(
        fake_api,
        tmp_path / "bot.sqlite3",
        SettableClock(PAGE_TIME),
        feed_urls=(good, broken),
        page_urls=(page,),
    )
    try:
        await poll_now(bot)
        [failing] = await bot.new_messages(ADMIN, 1)
        assert failing.text == (
            f"Source {broken} is failing: HTTP 500 Internal Server Error. It is tried again"
            " after growing pauses (at most an hour); /sources shows its state, and you will"
            " hear when it works again."
        )
        website.serve("news.xml", "rss.xml")  # the good feed goes on, and has news
        for _ in range(3):
            await later(bot, timedelta(hours=1))
        [held] = await bot.new_messages(ADMIN, 1)  # no second failure message
        assert (held.text or "").startswith("2 new entries")

        [listing, waiting] = await bot.say("/sources", replies=2, chat_id=ADMIN, user_id=ADMIN)
        assert listing.text is not None
        assert f"Feed {broken}\nLast success: never." in listing.text
        assert "Error: HTTP 500 Internal Server Error (4 tries in a row;" in listing.text
        assert f"Page {page}\nLast success: 18.10.2018 09:18 (London time)." in listing.text
        assert "Items imported: 11. Waiting for Publish: 0." in listing.text  # seeded ones
        assert "Items imported: 2. Waiting for Publish: 2." in listing.text
        assert (waiting.text or "").startswith("2 new entries")

        website.fail("broken.xml", "ok")
        await later(bot, timedelta(hours=1))
        [recovered] = await bot.new_messages(ADMIN, 1)
        assert recovered.text == f"Source {broken} works again."
        await later(bot, timedelta(hours=1))
        assert len(fake_api.messages(ADMIN)) == 5  # nothing more
    finally:
        await stop_bot(bot.application)


async def test_the_polling_job_runs_on_its_own_at_start(
    fake_api: FakeBotApi, tmp_path: Path, website: FakeWebsite
) -> None:
    url = website.serve("news.xml", "atom.xml")
    bot = await started(
        fake_api,
        tmp_path / "bot.sqlite3",
        SettableClock(PAGE_TIME),
        polling_job=True,
        feed_urls=(url,),
    )
    try:
        job_queue = bot.application.job_queue
        assert job_queue is not None
        [repeating] = [j for j in job_queue.get_jobs_by_name(INGEST_JOB) if j.next_t]
        first_repeat = repeating.next_t  # the repeating job's first run, CHECK_EVERY after start

        async def polled() -> bool:
            [source] = await bot.database.sources.listed([url])
            return source.last_success_at is not None

        # Nothing calls poll_now here: the job polls without any help. Wait for its runs (the
        # job queue's event), not for a number of seconds.
        await wait_for_job(bot.application, INGEST_JOB, polled)
        # The poll was the one at start: the repeating job has not had its first run yet.
        assert repeating.next_t == first_repeat
        [source] = await bot.database.sources.listed([url])
        assert source.items == 2 and website.requests["news.xml"] == 1
        assert await bot.database.items.count() == 13
    finally:
        await stop_bot(bot.application)


async def test_a_page_with_scripts_and_broken_markup_reaches_readers_clean(
    fake_api: FakeBotApi, tmp_path: Path, website: FakeWebsite
) -> None:
    url = website.serve("en/", "press_page.html")
    bot = await started(
        fake_api,
        tmp_path / "bot.sqlite3",
        SettableClock(PAGE_TIME),
        page_urls=(url,),
        feed_autopublish=True,
    )
    try:
        [first] = await poll_now(bot)
        assert first.imported == []  # the seed page's releases came with data/ already
        await subscribe_readers(bot)
        website.serve("en/", "scripts.html")
        [report] = await later(bot)
        [item_id] = report.published
        [_, release] = await fake_api.wait_for_messages(READERS[0], 2)
        assert release.text is not None
        assert release.text.startswith("Embassy statement on cyber claims\n16.10.2018")
        assert "First paragraph with bold and italic text." in release.text
        bot.mark_seen(READERS[0])
        [full] = await bot.say(f"/read_{item_id}", chat_id=READERS[0], user_id=READERS[0])
        assert full.text is not None
        assert "Second paragraph with a bad link, a good link & a < sign." in full.text
        [link] = [e for e in full.entities if e["type"] == "text_link"]
        assert link["url"] == website.url("press/good")  # made absolute against the page
        for text in (release.text, full.text):
            assert "alert" not in text and "stolen" not in text and "Enable" not in text
    finally:
        await stop_bot(bot.application)


async def test_a_changed_text_on_the_website_corrects_delivered_copies(
    fake_api: FakeBotApi, tmp_path: Path, website: FakeWebsite
) -> None:
    original = (FIXTURES / "rss.xml").read_bytes()
    url = website.serve("news.xml", "atom.xml")
    bot = await started(
        fake_api,
        tmp_path / "bot.sqlite3",
        SettableClock(PAGE_TIME),
        feed_urls=(url,),
        feed_autopublish=True,
    )
    try:
        await poll_now(bot)
        await subscribe_readers(bot)
        website.serve("news.xml", original, content_type="application/rss+xml")
        await later(bot)
        [_, salisbury, _] = await fake_api.wait_for_messages(READERS[0], 3)
        assert "Answer: none at all & nothing more." not in (salisbury.text or "")  # 2nd paragraph
        changed = original.replace(b"Question: any news?", b"Question: any news at all?")
        website.serve("news.xml", changed, content_type="application/rss+xml")
        [report] = await later(bot)
        assert len(report.corrected) == 1 and report.published == []

        def corrected() -> bool:
            copy = fake_api.find_message(READERS[0], salisbury.message_id)
            return copy is not None and "any news at all?" in (copy.text or "")

        await fake_api.wait_until(corrected)
        copy = fake_api.find_message(READERS[0], salisbury.message_id)
        assert copy is not None and "Updated" in (copy.text or "")
        assert len(fake_api.messages(READERS[0])) == 3  # edited in place, nothing new
    finally:
        await stop_bot(bot.application)


async def test_sources_without_any_configured_says_how_to_add_them(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    bot = await started(fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME))
    try:
        [reply] = await bot.say("/sources", chat_id=ADMIN, user_id=ADMIN)
        assert reply.text == texts.NO_SOURCES
        assert await poll_now(bot) == []
    finally:
        await stop_bot(bot.application)


RUSSIAN_ITEM = """<item><title>{title}</title><link>https://embassy.example/ru/{slug}</link>
<pubDate>Tue, 16 Oct 2018 09:30:00 +0100</pubDate>
<description><![CDATA[<p>{body}</p>]]></description></item>"""


def russian_feed(*items: tuple[str, str, str]) -> bytes:
    entries = "".join(
        RUSSIAN_ITEM.format(slug=slug, title=title, body=body) for slug, title, body in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Пресс</title>'
        f"<link>https://embassy.example/ru/</link><description>d</description>{entries}"
        "</channel></rss>"
    ).encode()


VISA_RU = ("visa", "Очередь за визами", "Посольство сожалеет о задержках.")
STATEMENT_RU = ("statement", "Заявление посольства", "Вопрос: есть новости? Ответ: нет.")


async def test_a_russian_feed_brings_russian_releases(
    fake_api: FakeBotApi, tmp_path: Path, website: FakeWebsite
) -> None:
    url = website.serve("ru.xml", russian_feed(VISA_RU), content_type="application/rss+xml")
    clock = SettableClock(PAGE_TIME)
    path = tmp_path / "bot.sqlite3"
    bot = await started(fake_api, path, clock, feed_urls=(f"ru={url}",), feed_autopublish=True)
    try:
        [backlog] = await poll_now(bot)
        [visa_id] = backlog.imported
        await bot.say("/start", chat_id=READERS[0], user_id=READERS[0], language_code="ru")
        both = russian_feed(STATEMENT_RU, VISA_RU)
        website.serve("ru.xml", both, content_type="application/rss+xml")
        [report] = await later(bot)
        [statement_id] = report.published
        [_, release] = await fake_api.wait_for_messages(READERS[0], 2)
        assert "Заявление посольства" in (release.text or "")
        for item_id in (visa_id, statement_id):
            item = await bot.database.items.get(item_id)
            assert item is not None and item.language == "ru"
    finally:
        await stop_bot(bot.application)

    # Restarted with the feed's prefix gone: it is English from now on.
    bot = await started(fake_api, path, clock, feed_urls=(url,), feed_autopublish=True)
    try:
        [source] = await bot.database.sources.listed([url])
        assert source.language == "en"
    finally:
        await stop_bot(bot.application)
