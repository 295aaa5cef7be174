"""The weekly report's slot (PRESSBOT_WEEKLY_REPORT), which week is due, and its text."""

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from pressbot.config import Settings, describe_settings_error
from pressbot.core.clock import LONDON
from pressbot.core.reports import ReleaseSummary, SubscriberTrend, WeeklyReport
from pressbot.core.weekly import WeeklyProgress, WeeklySlot, parse_weekly_slot, report_due
from pressbot.texts.i18n import translator
from pressbot.texts.markup import html_to_plain
from pressbot.texts.splitting import TELEGRAM_TEXT_LIMIT, utf16_length
from pressbot.texts.weekly_report import weekly_report

MONDAY_NINE = WeeklySlot(0, time(9, 0))

slots = st.builds(
    WeeklySlot,
    st.integers(min_value=0, max_value=6),
    st.times().map(lambda moment: moment.replace(second=0, microsecond=0)),
)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(slots, instants)
def test_the_latest_slot_is_at_or_before_now_and_the_next_is_after(
    slot: WeeklySlot, now: datetime
) -> None:
    latest = slot.latest_slot(now)
    assert latest <= now
    assert latest.tzinfo is UTC
    following = slot.on(latest.astimezone(LONDON).date() + timedelta(days=7))
    assert following > now
    assert slot.latest_slot(latest) == latest  # a slot is its own latest


@given(slots, instants)
def test_the_latest_slot_is_the_weekday_and_time_in_london(
    slot: WeeklySlot, now: datetime
) -> None:
    local = slot.latest_slot(now).astimezone(LONDON)
    assert local.weekday() == slot.weekday
    skipped = local.time() != slot.at  # only a time the spring change skips moves on
    if skipped:
        assert local.month == 3 and local.weekday() == 6
        assert (
            local.time() == (datetime.combine(local.date(), slot.at) + timedelta(hours=1)).time()
        )


@given(slots, instants)
def test_a_week_before_a_slot_is_the_same_wall_time_seven_days_earlier(
    slot: WeeklySlot, now: datetime
) -> None:
    latest = slot.latest_slot(now)
    before = slot.week_before(latest)
    assert before.astimezone(LONDON).date() == latest.astimezone(LONDON).date() - timedelta(7)
    assert slot.latest_slot(latest - timedelta(microseconds=1)) == before
    assert timedelta(days=7, hours=-1) <= latest - before <= timedelta(days=7, hours=1)


def test_nine_in_london_in_winter_and_in_summer() -> None:
    # Winter: 09:00 GMT is 09:00 UTC; summer: 09:00 BST is 08:00 UTC.
    assert MONDAY_NINE.latest_slot(datetime(2026, 3, 11, 12, 0, tzinfo=UTC)) == datetime(
        2026, 3, 9, 9, 0, tzinfo=UTC
    )
    assert MONDAY_NINE.latest_slot(datetime(2026, 7, 8, 12, 0, tzinfo=UTC)) == datetime(
        2026, 7, 6, 8, 0, tzinfo=UTC
    )
    # Monday 30 March 2026, the day after the clocks went forward: 08:00 UTC; 07:59 is before.
    monday = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert MONDAY_NINE.latest_slot(monday) == monday
    assert MONDAY_NINE.latest_slot(monday - timedelta(minutes=1)) == datetime(
        2026, 3, 23, 9, 0, tzinfo=UTC
    )
    # The week across the change is an hour short of 168 hours, and reckoned as such.
    assert MONDAY_NINE.week_before(monday) == datetime(2026, 3, 23, 9, 0, tzinfo=UTC)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        MONDAY_NINE.latest_slot(datetime(2026, 3, 9, 9, 0))


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("mon 09:00", MONDAY_NINE),
        ("Monday 9:00", MONDAY_NINE),
        ("  MON   09:00 ", MONDAY_NINE),
        ("sun 18:30", WeeklySlot(6, time(18, 30))),
        ("Friday 00:05", WeeklySlot(4, time(0, 5))),
        ("off", None),
        (" OFF ", None),
    ],
)
def test_the_setting_reads_a_weekday_and_a_time_or_off(text: str, slot: WeeklySlot | None) -> None:
    assert parse_weekly_slot(text) == slot


@pytest.mark.parametrize(
    "text", ["", "mon", "09:00", "mo 09:00", "monday09:00", "mon 24:00", "mon 9:60", "пн 09:00"]
)
def test_anything_else_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(
        ValueError, match="must be 'off' or a weekday and a time, like 'mon 09:00'"
    ):
        parse_weekly_slot(text)


@given(slots)
def test_a_slot_written_out_reads_back(slot: WeeklySlot) -> None:
    assert parse_weekly_slot(str(slot)) == slot


progresses = st.builds(
    WeeklyProgress,
    instants,
    st.frozensets(st.integers(min_value=1, max_value=10**10), max_size=5),
    st.booleans(),
)


@given(progresses)
def test_the_progress_kept_in_meta_reads_back(progress: WeeklyProgress) -> None:
    assert WeeklyProgress.from_text(progress.to_text()) == progress


@given(progresses, instants)
def test_which_report_is_due(progress: WeeklyProgress, due: datetime) -> None:
    found = report_due(progress, due)
    if due > progress.slot:
        assert found == WeeklyProgress(due)  # a newer week: begun afresh, nobody done
    elif due == progress.slot and not progress.complete:
        assert found == progress  # carried on: those done are not sent it again
    else:
        assert found is None  # sent already, or an older slot than the one recorded
    assert report_due(None, due) is None


def test_the_setting_is_monday_nine_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).weekly_report == MONDAY_NINE  # type: ignore[call-arg]
    monkeypatch.setenv("PRESSBOT_WEEKLY_REPORT", "Off")
    assert Settings(_env_file=None).weekly_report is None  # type: ignore[call-arg]
    monkeypatch.setenv("PRESSBOT_WEEKLY_REPORT", "thu 16:45")
    assert Settings(_env_file=None).weekly_report == WeeklySlot(3, time(16, 45))  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("value", "line"),
    [
        (
            "monday",
            "PRESSBOT_WEEKLY_REPORT is invalid: must be 'off' or a weekday and a time, like"
            " 'mon 09:00'; got 'monday'",
        ),
        (
            "mond 09:00",
            "PRESSBOT_WEEKLY_REPORT is invalid: must be 'off' or a weekday and a time, like"
            " 'mon 09:00'; 'mond' is not a weekday (mon ... sun)",
        ),
        (
            "sun 23:60",
            "PRESSBOT_WEEKLY_REPORT is invalid: must be 'off' or a weekday and a time, like"
            " 'mon 09:00'; 23:60 is not a time of day",
        ),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str, line: str
) -> None:
    monkeypatch.setenv("PRESSBOT_WEEKLY_REPORT", value)
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert describe_settings_error(caught.value) == line


EN, RU = translator("en"), translator("ru")
WEEK_TO = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


def week_of(releases: int, title: str = "Statement") -> WeeklyReport:
    summaries = tuple(
        ReleaseSummary(
            item_id=100 + n,
            title=f"{title} {n}",
            released_at=WEEK_TO - timedelta(days=6, hours=-n),
            withdrawn=n == 1,
            total=1200,
            sent=1150,
            blocked=20,
            failed=30,
            held=0,
            in_digests=5,
            reads=300,
        )
        for n in range(releases)
    )
    trend = SubscriberTrend(now=1234, week_ago=1250, month_ago=1100, joined_week=4, left_week=20)
    return WeeklyReport(WEEK_TO - timedelta(days=7), WEEK_TO, summaries, trend, reads=12345)


def test_the_text_says_the_week_subscribers_and_reads_in_each_language() -> None:
    text = html_to_plain(weekly_report(week_of(0), EN))
    assert text == (
        "Weekly report\n"
        "2 March 2026, 09:00 to 9 March 2026, 09:00, London time\n\n"
        "Subscribers\n"
        "1,234 now: −16 this week (4 joined, 20 left)\n\n"
        "Releases\n"
        "No releases this week.\n\n"
        "12,345 reads this week, of any release: each chat counts once a release."
    )
    russian = html_to_plain(weekly_report(week_of(0), RU))
    assert "2 марта 2026, 09:00" in russian and "9 марта 2026, 09:00" in russian
    assert "1\xa0234" in russian  # Russian groups thousands with a space


def test_a_week_of_many_releases_is_one_message_with_the_rest_counted() -> None:
    report = week_of(60, title="Embassy Press Officer’s reply to a media question " + "x" * 40)
    for tr in (EN, RU):  # Russian words are longer: it may show fewer
        text = weekly_report(report, tr)
        assert utf16_length(html_to_plain(text)) <= TELEGRAM_TEXT_LIMIT
        shown = text.count("/stats_1")  # items 100 to 159, oldest first
        assert 5 < shown < 60
        assert f"/stats_{100 + shown - 1}" in text and f"/stats_{100 + shown}" not in text
        assert tr.number(60 - shown) in text.rsplit("/stats_", 1)[1]
    english = html_to_plain(weekly_report(report, EN))
    shown = english.count("/stats_1")
    assert english.endswith(
        f"…and {60 - shown} more releases: /stats lists the latest.\n\n"
        "12,345 reads this week, of any release: each chat counts once a release."
    )
