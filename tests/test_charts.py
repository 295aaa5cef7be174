"""The charts: PNGs Telegram takes as photos, in the chat's language, drawn off the event loop,
in time or not at all."""

from __future__ import annotations

import asyncio
import functools
import io
import logging
import struct
import subprocess
import sys
import warnings
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.image import imread

from pressbot.charts import CHART_TIMEOUT, release_chart, subscribers_chart
from pressbot.charts.figures import release_figure, subscribers_figure
from pressbot.charts.labels import short_title, tick_label, time_axis_name
from pressbot.core.clock import EMBASSY_TZ, MOSCOW
from pressbot.core.reports import BUCKETS, MAX_BUCKETS, DailyCount, Timeline
from pressbot.texts.i18n import Translator, translator

ENGLISH, RUSSIAN = translator("en"), translator("ru")
RELEASED = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
TITLE = "Embassy Press Officer’s reply to a media question on the Salisbury investigation"
#: Every Cyrillic letter, in both cases (DejaVu Sans must have each).
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
#: A release as /stats <id> has it: a burst of deliveries, then reads trickling in.
RELEASE = Timeline(
    RELEASED,
    timedelta(minutes=15),
    (6000, 3000, 900, *([12] * (MAX_BUCKETS - 3))),
    tuple(40 - n // 4 for n in range(MAX_BUCKETS)),
)
NINETY_DAYS = [
    DailyCount(date(2026, 8, 6) + timedelta(days=n), 10_000 + 9 * n - (n % 7) * 5)
    for n in range(90)
]
WARNINGS = "pressbot.charts"

# -- Telegram's sendPhoto limits ----------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PHOTO_BYTES = 10 * 1024 * 1024


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first."""
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def assert_a_photo(png: bytes | None) -> None:
    """A PNG of about 1200 x 700 that sendPhoto takes: 10 MB, w + h <= 10000, ratio <= 20."""
    assert png is not None
    width, height = png_size(png)
    assert (width, height) == (1200, 700)
    assert len(png) <= PHOTO_BYTES
    assert width + height <= 10_000
    assert max(width / height, height / width) <= 20


# -- what an admin gets -------------------------------------------------------------------------


@pytest.mark.parametrize("tr", [ENGLISH, RUSSIAN], ids=["en", "ru"])
async def test_a_release_chart_is_a_photo_telegram_takes(tr: Translator) -> None:
    png = await release_chart(RELEASE, TITLE, tr)
    assert_a_photo(png)
    assert png is not None
    pixels = imread(io.BytesIO(png), format="png")  # decodes: not only a header
    assert pixels.shape[:2] == (700, 1200)
    assert pixels.min() < 0.5  # something is drawn on the white


@pytest.mark.parametrize("tr", [ENGLISH, RUSSIAN], ids=["en", "ru"])
async def test_the_subscribers_chart_is_a_photo_telegram_takes(tr: Translator) -> None:
    assert_a_photo(await subscribers_chart(NINETY_DAYS, tr))


async def test_charts_in_the_two_languages_differ() -> None:
    english = await subscribers_chart(NINETY_DAYS, ENGLISH)
    russian = await subscribers_chart(NINETY_DAYS, RUSSIAN)
    assert english != russian  # the months, at least, are written in each language


async def test_a_release_with_nothing_yet_still_draws() -> None:
    nothing = Timeline(RELEASED, timedelta(minutes=1), (), ())
    zeros = Timeline(RELEASED, timedelta(hours=1), (0,) * 24, (0,) * 24)
    assert_a_photo(await release_chart(nothing, TITLE, RUSSIAN))
    assert_a_photo(await release_chart(zeros, "", ENGLISH))


async def test_one_day_of_subscribers_or_none_still_draws() -> None:
    assert_a_photo(await subscribers_chart([DailyCount(date(2026, 11, 3), 0)], RUSSIAN))
    assert_a_photo(await subscribers_chart([], ENGLISH))
    flat = [DailyCount(date(2026, 11, 3) - timedelta(days=n), 0) for n in range(90)]
    assert_a_photo(await subscribers_chart(flat[::-1], ENGLISH))


async def test_a_chart_is_the_same_whatever_was_drawn_before_it() -> None:
    # All charts are drawn on one renderer: nothing of the previous one may show through.
    first = await release_chart(RELEASE, TITLE, RUSSIAN)
    assert_a_photo(await subscribers_chart(NINETY_DAYS, ENGLISH))
    assert await release_chart(RELEASE, TITLE, RUSSIAN) == first


async def test_a_title_with_dollars_is_text_not_mathematics() -> None:
    # mathtext would read "$5 … $" as a formula (and fail on some): titles are plain text.
    title = "Sanctions of $5 million and $3 billion: the Embassy's \\frac{comment}"
    assert_a_photo(await release_chart(RELEASE, title, ENGLISH))


async def test_times_may_be_in_another_zone() -> None:
    assert_a_photo(await release_chart(RELEASE, TITLE, RUSSIAN, MOSCOW))


# -- any data -----------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=200_000)


@st.composite
def timelines(draw: st.DrawFn) -> Timeline:
    """A timeline as the store makes one: any start, a bucket width, up to MAX_BUCKETS of each."""
    start = draw(st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)))
    size = draw(st.integers(min_value=0, max_value=MAX_BUCKETS))
    delivered = draw(st.lists(counts, min_size=size, max_size=size))
    read = draw(st.lists(counts, min_size=size, max_size=size))
    return Timeline(start, draw(st.sampled_from(BUCKETS)), tuple(delivered), tuple(read))


@st.composite
def subscriber_days(draw: st.DrawFn) -> list[DailyCount]:
    """Consecutive days to today, as daily_subscribers gives them."""
    last = draw(st.dates(date(2000, 3, 1), date(2100, 1, 1)))
    values = draw(st.lists(st.integers(min_value=0, max_value=5_000_000), max_size=120))
    return [
        DailyCount(last - timedelta(days=len(values) - 1 - n), value)
        for n, value in enumerate(values)
    ]


DRAWINGS = settings(max_examples=12, deadline=None, derandomize=True)


PATIENT = 300.0


@DRAWINGS
@given(timeline=timelines(), language=st.sampled_from(["en", "ru"]))
async def test_any_timeline_draws_as_a_photo(timeline: Timeline, language: str) -> None:
    # What is drawn is the point here, not how fast on a shared machine (the time limit has a
    # test of its own below): a generous limit, so that a busy CI machine is not a failure.
    assert_a_photo(await release_chart(timeline, TITLE, translator(language), timeout=PATIENT))


@DRAWINGS
@given(days=subscriber_days(), language=st.sampled_from(["en", "ru"]))
async def test_any_subscriber_history_draws_as_a_photo(
    days: list[DailyCount], language: str
) -> None:
    assert_a_photo(await subscribers_chart(days, translator(language), timeout=PATIENT))


# -- fonts ---------------------------------------------------------------------------------------


def glyph_warnings(draw: Callable[[], object]) -> list[str]:
    """The warnings of a drawing, done here in this thread so that all of them are caught."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw()
    return [str(warning.message) for warning in caught]


def test_russian_labels_have_every_glyph() -> None:
    for letters in (CYRILLIC, CYRILLIC.upper()):
        draw = functools.partial(
            release_figure, RELEASE, f"{letters} {TITLE}", RUSSIAN, EMBASSY_TZ
        )
        assert glyph_warnings(draw) == []
    assert glyph_warnings(lambda: subscribers_figure(NINETY_DAYS, RUSSIAN)) == []


def test_the_glyph_check_would_see_a_missing_glyph() -> None:
    # DejaVu Sans has no Chinese: the check above is not blind.
    missed = glyph_warnings(lambda: release_figure(RELEASE, "新闻稿", ENGLISH, EMBASSY_TZ))
    assert missed and all("missing from font" in message for message in missed)


# -- in time or not at all ---------------------------------------------------------------------


async def test_a_chart_not_drawn_in_time_is_none_and_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger=WARNINGS):
        assert await release_chart(RELEASE, TITLE, ENGLISH, timeout=0.001) is None
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "release chart not drawn: it took over 0.001 s")
    ]
    # The drawing left behind finishes in the worker; the next chart is drawn after it.
    assert_a_photo(await subscribers_chart(NINETY_DAYS, ENGLISH))
    assert CHART_TIMEOUT == 20


async def test_a_chart_that_fails_is_none_and_one_warning_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = Timeline(RELEASED, timedelta(minutes=5), (1, 2, 3), (1,))  # reads cut short
    with caplog.at_level(logging.WARNING, logger=WARNINGS):
        assert await release_chart(broken, TITLE, RUSSIAN) is None
    [record] = caplog.records
    assert record.levelname == "WARNING" and record.exc_info is None
    assert record.getMessage().startswith("release chart not drawn: ValueError: ")
    assert "\n" not in record.getMessage()
    assert_a_photo(await release_chart(RELEASE, TITLE, RUSSIAN))  # the worker is fine


async def test_the_event_loop_runs_while_a_chart_is_drawn() -> None:
    chart = asyncio.ensure_future(release_chart(RELEASE, TITLE, ENGLISH))
    turns = 0
    while not chart.done():
        turns += 1
        await asyncio.sleep(0)  # one turn of the loop: other handlers would run here
    assert turns > 1
    assert_a_photo(chart.result())


async def test_charts_asked_for_at_once_are_all_drawn() -> None:
    # One worker draws them one after the other: matplotlib never draws two at once.
    charts = await asyncio.gather(
        release_chart(RELEASE, TITLE, ENGLISH),
        subscribers_chart(NINETY_DAYS, RUSSIAN),
        release_chart(RELEASE, TITLE, RUSSIAN, MOSCOW),
    )
    for png in charts:
        assert_a_photo(png)


def test_importing_the_charts_does_not_import_matplotlib() -> None:
    # The bot's start and `pressbot import` must not pay for it: the first chart does.
    code = (
        "import sys, pressbot.charts\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'numpy', 'PIL'}))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert output.strip() == "[]"


# -- the words on them --------------------------------------------------------------------------


def london(day: date, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    """An instant by London's clock."""
    return datetime.combine(day, dt_time(hour, minute, second, micro), tzinfo=EMBASSY_TZ)


DAY, QUARTER = timedelta(days=1), timedelta(days=90)


def test_ticks_in_a_day_show_times_and_the_first_its_date() -> None:
    assert tick_label(london(date(2026, 11, 3), 14, 0), True, DAY, "ru") == "14:00\n3 нояб. 2026"
    assert tick_label(london(date(2026, 11, 3), 14, 0), True, DAY, "en") == "14:00\n3 Nov 2026"
    assert tick_label(london(date(2026, 11, 3), 18, 30), False, DAY, "ru") == "18:30"


def test_ticks_at_midnight_show_the_day_in_the_chats_language() -> None:
    assert tick_label(london(date(2026, 11, 4)), False, DAY, "ru") == "4 нояб."
    assert tick_label(london(date(2026, 11, 4)), False, DAY, "en") == "4 Nov"
    assert tick_label(london(date(2026, 8, 15)), True, QUARTER, "ru") == "15 авг.\n2026"
    assert tick_label(london(date(2027, 1, 1)), False, QUARTER, "ru") == "1 янв.\n2027"


def test_ticks_over_long_spans_show_months() -> None:
    year = timedelta(days=400)
    assert tick_label(london(date(2026, 11, 1)), False, year, "ru") == "нояб."
    assert tick_label(london(date(2026, 11, 1)), False, year, "en") == "Nov"
    assert tick_label(london(date(2026, 11, 15)), False, year, "en") == "15 Nov"


def test_a_tick_a_hair_before_midnight_is_midnight() -> None:
    almost = london(date(2026, 11, 3), 23, 59, 59, 999_999)
    assert tick_label(almost, False, DAY, "en") == "4 Nov"


@given(
    moment=st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)),
    first=st.booleans(),
    days=st.integers(min_value=0, max_value=900),
    language=st.sampled_from(["en", "ru"]),
)
def test_every_tick_has_a_label_babel_wrote(
    moment: datetime, first: bool, days: int, language: str
) -> None:
    label = tick_label(moment.astimezone(EMBASSY_TZ), first, timedelta(days=days), language)
    assert label.strip() and "%" not in label
    assert label.count("\n") <= 1
    assert first <= ("\n" in label)  # the first tick always says the date in full


@given(st.text())
def test_a_title_is_one_line_of_at_most_60_characters(title: str) -> None:
    shown = short_title(title)
    line = " ".join(title.split())
    assert len(shown) <= 60 and "\n" not in shown
    if len(line) <= 60:
        assert shown == line
    else:
        assert shown.endswith("…") and line.startswith(shown.removesuffix("…"))


def test_a_long_title_is_cut_after_a_word() -> None:
    assert short_title(TITLE) == "Embassy Press Officer’s reply to a media question on the…"


def test_the_time_axis_names_its_zone() -> None:
    assert time_axis_name(EMBASSY_TZ, ENGLISH) == "Time (London)"
    assert time_axis_name(MOSCOW, ENGLISH) == "Time (Europe/Moscow)"
