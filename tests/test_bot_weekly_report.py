"""End to end: the weekly report reaches owners and publishers at Monday 09:00 London time,
in their language, once; late after downtime, never for a week a new database did not see;
an outage does not lose it and a blocked owner does not stop it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fakes import FakeBotApi
from harness import RunningBot, SettableClock, make_bot, wait_for_job
from lifecycle import start_bot, stop_bot
from pressbot.bot.context import PressApplication
from pressbot.bot.report_jobs import (
    CHECK_EVERY,
    PROGRESS_KEY,
    WEEKLY_REPORT_JOB,
    build_weekly_report,
    send_weekly_report,
)
from pressbot.core.models import ItemKind
from pressbot.core.team import Role
from pressbot.core.weekly import WeeklyProgress
from pressbot.texts.i18n import translator
from pressbot.texts.markup import html_to_plain
from pressbot.texts.reports import release_line
from pressbot.texts.weekly_report import weekly_report
from test_cli import run_cli

EN, RU = translator("en"), translator("ru")
OWNER = 9001  # PRESSBOT_ADMIN_IDS
PUBLISHER = 9002  # reads Russian
EDITOR = 9100
READERS = (2001, 2002, 2003)
#: The first line of a report, in either language (Russian once the catalog has it).
HEADINGS = tuple(html_to_plain(tr("<b>Weekly report</b>")) + "\n" for tr in (EN, RU))

#: Winter (GMT): the week from Monday 2 March 2026, 09:00 to Monday 9 March, 09:00 (UTC too).
WINTER_START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
WINTER_SINCE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WINTER_DUE = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


async def started(
    fake: FakeBotApi, db_path: Path, clock: SettableClock, *, jobs: bool = False, **settings: Any
) -> RunningBot:
    """The office's bot: the owner; the report looked for by `look` unless `jobs` (the
    test is about the job queue's own looks, at start and every minute)."""
    bot = make_bot(fake, db_path, clock, admin_ids=frozenset({OWNER}), **settings)
    application = bot.application
    if not jobs:
        post_init = application.post_init
        assert post_init is not None

        async def without_report_jobs(app: PressApplication) -> None:
            await post_init(app)
            assert app.job_queue is not None
            for job in app.job_queue.get_jobs_by_name(WEEKLY_REPORT_JOB):
                job.schedule_removal()

        application.post_init = without_report_jobs
    await start_bot(application)
    return bot


async def look(bot: RunningBot) -> None:
    """What the report's job does at each look, now."""
    services = bot.application.bot_data.ready()
    assert services.settings.weekly_report is not None
    await send_weekly_report(bot.application.bot, services, services.settings.weekly_report)


async def set_up_office(bot: RunningBot) -> None:
    """A publisher who reads Russian and an editor join the owner."""
    for user_id, role in ((PUBLISHER, Role.PUBLISHER), (EDITOR, Role.EDITOR)):
        await bot.database.team.set_role(user_id, role, by=OWNER, now=bot.clock())
    await bot.database.languages.set(PUBLISHER, "ru")


def reports(bot: RunningBot, chat_id: int) -> list[str]:
    return [t for t in bot.fake.bot_texts(chat_id) if t.startswith(HEADINGS)]


async def delivered(bot: RunningBot, since: datetime) -> None:
    """Wait until every copy of the releases since `since` is out (the engine's own pace)."""
    for _ in range(400):
        releases = await bot.database.releases.since(since)
        if all(r.pending == 0 for r in releases):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"releases still pending: {releases}")


async def progress(bot: RunningBot) -> WeeklyProgress | None:
    stored = await bot.database.meta.get(PROGRESS_KEY)
    return None if stored is None else WeeklyProgress.from_text(stored)


async def a_week_of_winter(bot: RunningBot) -> None:
    """Three readers come, one goes; two releases; three first reads (one read twice)."""
    first, second, third = READERS
    await bot.say("/start", chat_id=first, user_id=first)
    bot.clock.now = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    await bot.say("/start", chat_id=second, user_id=second)
    await bot.say("/start", chat_id=third, user_id=third)
    bot.clock.now = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    assert await bot.release("Statement on the <visit>", ItemKind.STATEMENT) == 3
    await delivered(bot, WINTER_SINCE)  # before the clock moves past the deadline
    for reader in READERS:
        bot.mark_seen(reader)
    bot.clock.now = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    await bot.say("/stop", chat_id=third, user_id=third)
    bot.clock.now = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
    assert await bot.release("Consular hours at Easter", ItemKind.CONSULAR_ALERT) == 2
    await delivered(bot, WINTER_SINCE)
    bot.clock.now = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    reads = bot.database.reads
    for item_id, chat_id in ((12, first), (12, second), (13, first), (12, first)):
        await reads.record(item_id, chat_id, bot.clock())


async def test_monday_nine_in_winter_owners_and_publishers_each_in_their_language(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    bot = await started(fake_api, tmp_path / "bot.sqlite3", SettableClock(WINTER_START))
    try:
        await look(bot)  # a new database: the week to 2 March is not reported
        assert await progress(bot) == WeeklyProgress(WINTER_SINCE, complete=True)
        await set_up_office(bot)
        await a_week_of_winter(bot)

        bot.clock.now = WINTER_DUE - timedelta(minutes=1)  # 08:59 GMT
        await look(bot)
        assert reports(bot, OWNER) == []
        bot.clock.now = WINTER_DUE + timedelta(seconds=30)
        await look(bot)
        [english] = reports(bot, OWNER)
        [russian] = reports(bot, PUBLISHER)
        for chat_id in (EDITOR, *READERS):
            assert reports(bot, chat_id) == []

        # The figures are the database's: the week's two releases, their reach and reads.
        first, second = await bot.database.releases.since(WINTER_SINCE, WINTER_DUE)
        assert (first.item_id, first.total, first.sent, first.reads) == (12, 3, 3, 2)
        assert (second.item_id, second.total, second.sent, second.reads) == (13, 2, 2, 1)
        trend = await bot.database.subscription_history.trend(WINTER_DUE)
        assert (trend.now, trend.joined_week, trend.left_week) == (2, 3, 1)
        assert english == "\n".join(
            [
                "Weekly report",
                "2 March 2026, 09:00 to 9 March 2026, 09:00, London time",
                "",
                "Subscribers",
                "2 now: +2 this week (3 joined, 1 left)",
                "",
                "Releases",
                *plain_lines(release_line(first, EN)),
                "",
                *plain_lines(release_line(second, EN)),
                "",
                "3 reads this week, of any release: each chat counts once a release.",
            ]
        )
        assert "Statement on the <visit>" in english  # escaped on the way, shown as typed
        assert russian.split("\n")[1].startswith("2 марта 2026, 09:00")
        report = await build_weekly_report(bot.database, WINTER_SINCE, WINTER_DUE)
        [sent] = [m for m in fake_api.messages(PUBLISHER) if m.text == russian]
        assert sent.text == html_to_plain(weekly_report(report, RU))

        # Later looks that week send nothing more.
        bot.clock.now = WINTER_DUE + timedelta(hours=5)
        await look(bot)
        assert len(reports(bot, OWNER)) == len(reports(bot, PUBLISHER)) == 1
        assert await progress(bot) == WeeklyProgress(
            WINTER_DUE, frozenset({OWNER, PUBLISHER}), complete=True
        )
    finally:
        await stop_bot(bot.application)


def plain_lines(markup: str) -> list[str]:
    """The lines a chat shows of HTML (the tags made entities)."""
    return html_to_plain(markup).split("\n")


async def test_a_restart_sends_nobody_the_week_twice(fake_api: FakeBotApi, tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    clock = SettableClock(WINTER_START)
    bot = await started(fake_api, db_path, clock)
    await look(bot)
    await set_up_office(bot)
    clock.now = WINTER_DUE + timedelta(seconds=30)
    await look(bot)
    assert len(reports(bot, OWNER)) == len(reports(bot, PUBLISHER)) == 1
    await stop_bot(bot.application)

    clock.now = WINTER_DUE + timedelta(minutes=3)
    bot = await started(fake_api, db_path, clock)
    try:
        await look(bot)
        assert len(reports(bot, OWNER)) == len(reports(bot, PUBLISHER)) == 1

        # A crash after the owner's copy was recorded, before the publisher's was sent: the
        # publisher gets it at the next look, the owner not again.
        await bot.database.meta.put(
            PROGRESS_KEY, WeeklyProgress(WINTER_DUE, frozenset({OWNER})).to_text()
        )
        await look(bot)
        assert len(reports(bot, OWNER)) == 1
        assert len(reports(bot, PUBLISHER)) == 2
    finally:
        await stop_bot(bot.application)


async def test_a_bot_down_at_nine_sends_the_week_when_back_and_only_the_latest(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    clock = SettableClock(WINTER_START)
    bot = await started(fake_api, db_path, clock)
    await look(bot)
    await set_up_office(bot)
    await stop_bot(bot.application)

    # Back on Tuesday afternoon: the look at start sends Monday's report, saying its week.
    clock.now = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    bot = await started(fake_api, db_path, clock, jobs=True)
    try:

        async def owner_has_it() -> bool:
            return len(reports(bot, OWNER)) == 1

        await wait_for_job(bot.application, WEEKLY_REPORT_JOB, owner_has_it)
        [late] = reports(bot, OWNER)
        assert late.startswith(
            "Weekly report\n2 March 2026, 09:00 to 9 March 2026, 09:00, London time\n"
        )
        await bot.fake.wait_until(lambda: len(reports(bot, PUBLISHER)) == 1)
        # From then on the job looks every minute.
        job_queue = bot.application.job_queue
        assert job_queue is not None
        [repeating] = [j for j in job_queue.get_jobs_by_name(WEEKLY_REPORT_JOB) if j.next_t]
        assert repeating.job.trigger.interval == timedelta(seconds=CHECK_EVERY)
    finally:
        await stop_bot(bot.application)

    # Down for two weeks: only the latest week is sent, once.
    clock.now = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
    bot = await started(fake_api, db_path, clock)
    try:
        await look(bot)
        await look(bot)
        _, latest = reports(bot, OWNER)
        assert latest.startswith(
            "Weekly report\n16 March 2026, 09:00 to 23 March 2026, 09:00, London time\n"
        )
    finally:
        await stop_bot(bot.application)


async def test_off_sends_nothing(fake_api: FakeBotApi, tmp_path: Path) -> None:
    clock = SettableClock(WINTER_START)
    bot = await started(fake_api, tmp_path / "bot.sqlite3", clock, jobs=True, weekly_report="off")
    try:
        job_queue = bot.application.job_queue
        assert job_queue is not None
        assert job_queue.get_jobs_by_name(WEEKLY_REPORT_JOB) == ()
        assert bot.application.bot_data.ready().settings.weekly_report is None
        assert await progress(bot) is None
    finally:
        await stop_bot(bot.application)


async def test_a_new_database_sends_nothing_for_the_week_before_it(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    # Installed on a Wednesday: the look at start records Monday's slot and sends nothing.
    clock = SettableClock(datetime(2026, 3, 11, 15, 0, tzinfo=UTC))
    bot = await started(fake_api, tmp_path / "bot.sqlite3", clock, jobs=True)
    try:

        async def recorded() -> bool:
            return await progress(bot) is not None

        await wait_for_job(bot.application, WEEKLY_REPORT_JOB, recorded)
        assert await progress(bot) == WeeklyProgress(WINTER_DUE, complete=True)
        assert reports(bot, OWNER) == []
    finally:
        await stop_bot(bot.application)

    # The next Monday reports the first whole week the bot saw.
    clock.now = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    bot = await started(fake_api, tmp_path / "bot.sqlite3", clock)
    try:
        await look(bot)
        [report] = reports(bot, OWNER)
        assert report.startswith("Weekly report\n9 March 2026, 09:00 to 16 March 2026, 09:00")
    finally:
        await stop_bot(bot.application)


async def test_an_outage_does_not_lose_the_week(fake_api: FakeBotApi, tmp_path: Path) -> None:
    clock = SettableClock(WINTER_START)
    bot = await started(fake_api, tmp_path / "bot.sqlite3", clock)
    try:
        await look(bot)
        await set_up_office(bot)
        clock.now = WINTER_DUE + timedelta(seconds=30)
        # Telegram answers 502 to both: nothing is recorded as sent; the next look sends it.
        fake_api.fail_next("sendMessage", 502, chat_id=OWNER)
        fake_api.fail_next("sendMessage", 502, chat_id=PUBLISHER)
        await look(bot)
        assert reports(bot, OWNER) == reports(bot, PUBLISHER) == []
        before = WeeklyProgress(WINTER_SINCE, complete=True)
        assert await progress(bot) == before  # the new week is not recorded
        # Telegram unreachable (connections dropped): the same.
        fake_api.outage(30)
        await look(bot)
        fake_api.end_outage()
        assert await progress(bot) == before
        # Back for the publisher, not yet for the owner: each is sent it once.
        fake_api.fail_next("sendMessage", 500, chat_id=OWNER)
        clock.now += timedelta(minutes=1)
        await look(bot)
        assert len(reports(bot, PUBLISHER)) == 1 and reports(bot, OWNER) == []
        assert await progress(bot) == WeeklyProgress(WINTER_DUE, frozenset({PUBLISHER}))
        clock.now += timedelta(minutes=1)
        await look(bot)
        assert len(reports(bot, PUBLISHER)) == len(reports(bot, OWNER)) == 1
        assert await progress(bot) == WeeklyProgress(
            WINTER_DUE, frozenset({OWNER, PUBLISHER}), complete=True
        )
    finally:
        await stop_bot(bot.application)


async def test_a_blocked_owner_does_not_stop_the_others(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    clock = SettableClock(WINTER_START)
    bot = await started(fake_api, tmp_path / "bot.sqlite3", clock)
    try:
        await look(bot)
        await set_up_office(bot)
        fake_api.block(OWNER)
        clock.now = WINTER_DUE + timedelta(seconds=30)
        await look(bot)
        assert len(reports(bot, PUBLISHER)) == 1
        # Done for the week: the owner's refusal is not tried again every minute.
        assert await progress(bot) == WeeklyProgress(
            WINTER_DUE, frozenset({OWNER, PUBLISHER}), complete=True
        )
        fake_api.unblock(OWNER)
        clock.now += timedelta(minutes=1)
        await look(bot)
        assert reports(bot, OWNER) == []
        assert len(reports(bot, PUBLISHER)) == 1
    finally:
        await stop_bot(bot.application)


async def test_monday_nine_in_summer_is_eight_utc(fake_api: FakeBotApi, tmp_path: Path) -> None:
    clock = SettableClock(datetime(2026, 6, 29, 10, 0, tzinfo=UTC))
    bot = await started(fake_api, tmp_path / "bot.sqlite3", clock)
    try:
        await look(bot)
        clock.now = datetime(2026, 7, 6, 7, 59, tzinfo=UTC)  # 08:59 BST
        await look(bot)
        assert reports(bot, OWNER) == []
        clock.now = datetime(2026, 7, 6, 8, 0, 30, tzinfo=UTC)  # 09:00 BST
        await look(bot)
        [report] = reports(bot, OWNER)
        assert report.startswith(
            "Weekly report\n29 June 2026, 09:00 to 6 July 2026, 09:00, London time\n"
        )
        assert "No releases this week." in report
    finally:
        await stop_bot(bot.application)


async def test_another_slot_from_the_setting(fake_api: FakeBotApi, tmp_path: Path) -> None:
    # Friday 17:30 London, set as an operator would write it.
    clock = SettableClock(datetime(2026, 3, 6, 18, 0, tzinfo=UTC))
    bot = await started(fake_api, tmp_path / "bot.sqlite3", clock, weekly_report="Friday 17:30")
    try:
        await look(bot)
        clock.now = datetime(2026, 3, 13, 17, 30, tzinfo=UTC)
        await look(bot)
        [report] = reports(bot, OWNER)
        assert report.startswith("Weekly report\n6 March 2026, 17:30 to 13 March 2026, 17:30")
    finally:
        await stop_bot(bot.application)


async def test_a_bad_setting_stops_the_bot_at_start_with_one_line(tmp_path: Path) -> None:
    code, _, err = await run_cli(tmp_path, "run", WEEKLY_REPORT="monday at nine")
    assert code == 2
    assert err.strip().splitlines() == [
        "pressbot: PRESSBOT_WEEKLY_REPORT is invalid: must be 'off' or a weekday and a time,"
        " like 'mon 09:00'; got 'monday at nine'"
    ]
