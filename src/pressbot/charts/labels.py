"""The words on the charts, in the chat's language: titles, axis names, the ticks of time.

Pure and free of matplotlib (figures.py asks these for every text it draws), so they are tested
without drawing. Dates and times are Babel's, never strftime's: month names follow the chat's
language, not the process's locale.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from babel.dates import format_date, format_time

from pressbot.texts.i18n import Translator

#: A release's title on a chart: one line, about this many characters at most.
TITLE_LIMIT = 60
#: Charts spanning more than this mark months (at their first day) rather than days.
MONTHS_SPAN = timedelta(days=120)


def short_title(title: str, limit: int = TITLE_LIMIT) -> str:
    """The title on one line, cut after a whole word with "…" when over `limit` characters."""
    line = " ".join(title.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # a word ends in the second half: cut there, not inside a word
        cut = cut[:space]
    return cut.rstrip(" ,.;:-–—") + "…"


def time_axis_name(zone: tzinfo, tr: Translator) -> str:
    """The name of an axis of times in `zone`: "Time (London)" for the embassy's."""
    key = getattr(zone, "key", str(zone))
    if key == "Europe/London":
        return tr("Time (London)")
    return tr("Time ({zone})", zone=key)


def tick_label(moment: datetime, first: bool, span: timedelta, language: str) -> str:
    """The label of a tick of a time axis at `moment`, wall-clock time in the chart's zone.

    A tick within a day shows the time; one at midnight shows the day, or over a long `span`
    the month at its first day. The first tick also says the date with its year, as does
    each 1 January: every other label reads from there.
    """
    # Tick positions are floats of days: 00:00 may come back as 23:59:59.999999.
    moment = (moment + timedelta(seconds=30)).replace(second=0, microsecond=0)
    day = moment.date()
    if moment.time() != time(0):
        clock = format_time(moment.time(), "HH:mm", locale=language)
        return f"{clock}\n{format_date(day, 'd MMM y', locale=language)}" if first else clock
    months = span > MONTHS_SPAN and day.day == 1
    label = format_date(day, "LLL" if months else "d MMM", locale=language)
    if first or (day.month == 1 and day.day == 1):
        label += "\n" + format_date(day, "y", locale=language)
    return label
