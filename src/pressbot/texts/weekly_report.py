"""The weekly report to owners and publishers: the week's releases, reads and subscribers.

One message: when the week's releases do not all fit in Telegram's limit, the latest are
left out and counted ("and 3 more: /stats", which lists the latest). Only counts, no reader.
"""

from __future__ import annotations

from pressbot.core.reports import WeeklyReport
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import escape, html_to_plain
from pressbot.texts.reports import release_line, short_time
from pressbot.texts.splitting import TELEGRAM_TEXT_LIMIT, utf16_length


def _signed(value: int, tr: Translator) -> str:
    """+12, −3 or 0, as the language writes the number."""
    if value > 0:
        return f"+{tr.number(value)}"
    if value < 0:
        return f"−{tr.number(-value)}"
    return tr.number(0)


def _head(report: WeeklyReport, tr: Translator) -> list[str]:
    trend = report.trend
    return [
        tr("<b>Weekly report</b>"),
        tr(
            "{since} to {until}, London time",
            since=escape(short_time(report.since, tr)),
            until=escape(short_time(report.until, tr)),
        ),
        "",
        tr("<b>Subscribers</b>"),
        tr(
            "{now} now: {change} this week ({joined} joined, {left} left)",
            now=tr.number(trend.now),
            change=_signed(trend.joined_week - trend.left_week, tr),
            joined=tr.number(trend.joined_week),
            left=tr.number(trend.left_week),
        ),
        "",
        tr("<b>Releases</b>"),
    ]


def _reads(report: WeeklyReport, tr: Translator) -> str:
    return tr.plural(
        "{count} read this week, of any release: each chat counts once a release.",
        "{count} reads this week, of any release: each chat counts once a release.",
        report.reads,
    )


def _compose(report: WeeklyReport, shown: int, tr: Translator) -> str:
    lines = _head(report, tr)
    if not report.releases:
        lines.append(tr("No releases this week."))
    for summary in report.releases[:shown]:
        lines += [release_line(summary, tr), ""]
    left_out = len(report.releases) - shown
    if left_out:
        lines += [
            tr.plural(
                "…and {count} more release: /stats lists the latest.",
                "…and {count} more releases: /stats lists the latest.",
                left_out,
            ),
            "",
        ]
    if lines[-1]:
        lines.append("")
    lines.append(_reads(report, tr))
    return "\n".join(lines)


def weekly_report(report: WeeklyReport, tr: Translator) -> str:
    """The report as one message (HTML): heading, subscribers, releases, the week's reads."""

    def fits(shown: int) -> bool:
        return utf16_length(html_to_plain(_compose(report, shown, tr))) <= TELEGRAM_TEXT_LIMIT

    # The most releases that fit; more shown is never shorter, so halve the range each time.
    low, high = 0, len(report.releases)
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return _compose(report, low, tr)
