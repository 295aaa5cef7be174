"""What /stats says: subscribers over time, each release's reach and reads, one in full.

Only counts: no reader is ever named. A withdrawn release is marked so and has no /read link
(it would open nothing); every release has its tappable /stats_<id>.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pressbot.core.clock import EMBASSY_TZ
from pressbot.core.models import Item, ItemStatus, Kind
from pressbot.core.reports import ReleaseDetail, ReleaseSummary, SubscriberTrend
from pressbot.texts.admin import format_release_time
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import escape, shorten, shown_title
from pressbot.texts.progress import format_duration

#: The tappable form of `/stats <id>`.
STATS_LINK_PREFIX = "/stats_"
#: A reason kept for a failed copy, as long as the report shows it.
REASON_LIMIT = 80
TITLE_LIMIT = 80
#: Reasons a release's copies were blocked or failed, listed one a line; the rest summed.
FAILURE_LINES = 8


def stats_usage(tr: Translator) -> str:
    """/stats with something other than an item number."""
    return tr(
        "Send /stats for subscribers and the latest releases, or /stats followed by an item"
        " number for one release in full, e.g. /stats 12."
    )


def short_time(moment: datetime, tr: Translator) -> str:
    """A time in a list: 1 December 2026, 09:00 (London)."""
    local = moment.astimezone(EMBASSY_TZ)
    return tr("{date}, {time}", date=tr.long_date(local.date()), time=f"{local:%H:%M}")


def _percent(value: float, tr: Translator) -> str:
    return tr("{percent} %", percent=tr.number(round(value, 1)))


def _heading(summary: ReleaseSummary, tr: Translator) -> str:
    title = shown_title(shorten(summary.title, TITLE_LIMIT))
    if summary.withdrawn:
        return tr("{title} (withdrawn)", title=title)
    return f"/read_{summary.item_id} {title}"


def _reach(summary: ReleaseSummary, tr: Translator, *, reads: bool = True) -> list[str]:
    """The counts of a release that are not zero, reached first (always said), reads last."""
    number = tr.number
    parts = [
        tr("reached {sent} of {total}", sent=number(summary.sent), total=number(summary.total))
    ]
    sending = summary.pending - summary.held
    if sending > 0:
        parts.append(tr("sending {count}", count=number(sending)))
    if summary.held:
        parts.append(tr("waiting for quiet hours {count}", count=number(summary.held)))
    if summary.in_digests:
        parts.append(tr("in daily digests {count}", count=number(summary.in_digests)))
    if summary.blocked:
        parts.append(tr("blocked {count}", count=number(summary.blocked)))
    if summary.failed:
        parts.append(tr("failed {count}", count=number(summary.failed)))
    rate = summary.read_rate
    if not reads:
        return parts
    if rate is None:
        parts.append(tr("read by {count}", count=number(summary.reads)))
    else:
        parts.append(
            tr("read by {count} ({rate})", count=number(summary.reads), rate=_percent(rate, tr))
        )
    return parts


def release_line(summary: ReleaseSummary, tr: Translator) -> str:
    """One release in a list: when, which (a link to it), its counts, its /stats_<id>."""
    when = short_time(summary.released_at, tr)
    counts = " · ".join(_reach(summary, tr))
    return (
        f"<b>{escape(when)}</b> · {_heading(summary, tr)}\n"
        f"{counts} · {STATS_LINK_PREFIX}{summary.item_id}"
    )


def subscriber_lines(trend: SubscriberTrend, tr: Translator) -> list[str]:
    """Subscribers now, a week and a month ago, and the week's comings and goings."""
    number = tr.number
    return [
        tr("<b>Subscribers</b>"),
        tr(
            "{now} now · {week} a week ago · {month} a month ago",
            now=number(trend.now),
            week=number(trend.week_ago),
            month=number(trend.month_ago),
        ),
        tr(
            "Last 7 days: {joined} joined, {left} left",
            joined=number(trend.joined_week),
            left=number(trend.left_week),
        ),
    ]


def stats_overview(
    trend: SubscriberTrend,
    kinds: dict[Kind, int],
    releases: Sequence[ReleaseSummary],
    tr: Translator,
) -> str:
    """/stats: subscribers, items by kind, the latest releases."""
    lines = subscriber_lines(trend, tr)
    lines += ["", tr("<b>Items</b>")]
    lines += [f"{tr.kind(kind)}: {tr.number(count)}" for kind, count in kinds.items() if count]
    if not any(kinds.values()):
        lines.append(tr("None yet."))
    lines += ["", tr("<b>Latest releases</b>")]
    if not releases:
        lines.append(tr("None yet."))
    lines += [line for summary in releases for line in (release_line(summary, tr), "")]
    if releases:
        lines.append(
            tr(
                "Reads count each chat once, the first time it opens a release in full."
                " Tap a /stats_… link for one release in full."
            )
        )
    return "\n".join(lines).rstrip()


def _after(start: datetime, moment: datetime | None, tr: Translator) -> str | None:
    if moment is None:
        return None
    return format_duration((moment - start).total_seconds(), tr)


def release_detail(detail: ReleaseDetail, tr: Translator) -> str:
    """/stats <id>: one release's reach, speed, failures, reads, corrections, withdrawal."""
    summary = detail.summary
    number = tr.number
    lines = [
        f"<b>{shown_title(shorten(summary.title, TITLE_LIMIT))}</b>",
        tr(
            "Item {id} · released {when}",
            id=summary.item_id,
            when=escape(format_release_time(summary.released_at, tr)),
        ),
    ]
    if detail.withdrawn_at is not None:
        lines.append(
            tr("Withdrawn {when}.", when=escape(format_release_time(detail.withdrawn_at, tr)))
        )
    elif not summary.withdrawn:
        lines.append(tr("Open it: /read_{id}", id=summary.item_id))
    lines += ["", tr("<b>Delivery</b>"), " · ".join(_reach(summary, tr, reads=False))]
    half = _after(summary.released_at, detail.half_at, tr)
    whole = _after(summary.released_at, detail.all_at, tr)
    if half is not None and whole is not None:
        lines.append(
            tr("Half of the copies were out after {half}, all after {all}.", half=half, all=whole)
        )
    elif half is not None:
        lines.append(
            tr("Half of the copies were out after {half}; the rest are still going.", half=half)
        )
    if summary.in_digests:
        lines.append(
            tr.plural(
                "{count} chat takes a daily digest: it lists this release instead of a copy.",
                "{count} chats take a daily digest: it lists this release instead of a copy.",
                summary.in_digests,
            )
        )
    for failure in detail.failures[:FAILURE_LINES]:  # the commonest first
        label = tr("blocked") if failure.blocked else tr("failed")
        reason = escape(shorten(failure.reason, REASON_LIMIT)) or tr("no reason given")
        lines.append(f"{label}: {number(failure.count)} — {reason}")
    others = sum(failure.count for failure in detail.failures[FAILURE_LINES:])
    if others:
        lines.append(
            tr.plural(
                "… and {count} more copy blocked or failed for other reasons.",
                "… and {count} more copies blocked or failed for other reasons.",
                others,
            )
        )
    lines += ["", tr("<b>Reads</b>")]
    rate = summary.read_rate
    if rate is None:
        lines.append(
            tr.plural(
                "Read in full in {count} chat.", "Read in full in {count} chats.", summary.reads
            )
        )
    else:
        lines.append(
            tr.plural(
                "Read in full in {count} chat: {rate} of the number reached.",
                "Read in full in {count} chats: {rate} of the number reached.",
                summary.reads,
                rate=_percent(rate, tr),
            )
        )
    lines.append(
        tr(
            "Each chat counts once; one that opened a shared link counts too, the press"
            " office's own do not."
        )
    )
    if detail.corrections:
        lines += ["", tr("<b>Corrections</b>")]
        lines += [escape(format_release_time(at, tr)) for at in detail.corrections]
    return "\n".join(lines)


def not_released(item: Item | None, item_id: int, tr: Translator) -> str:
    """/stats <id> for an item with no release to report."""
    if item is None:
        return tr("There is no item {id}. /stats lists the latest releases.", id=item_id)
    if item.status is ItemStatus.SCHEDULED and item.publish_at is not None:
        return tr(
            "Item {id} is scheduled for {when}: there is nothing to report yet.",
            id=item_id,
            when=escape(format_release_time(item.publish_at, tr)),
        )
    return tr(
        "Item {id} was added to the archive without being sent to subscribers: it has no"
        " delivery report. /stats lists the latest releases.",
        id=item_id,
    )


def chart_failed(tr: Translator) -> str:
    """Under the figures, when the chart could not be drawn or sent."""
    return tr("The chart could not be drawn this time; the figures above are complete.")


def subscribers_caption(tr: Translator) -> str:
    """The caption of /stats' chart."""
    return tr("Subscribers at the end of each day, last 90 days (London).")


def release_caption(item_id: int, tr: Translator) -> str:
    """The caption of /stats <id>'s chart."""
    return tr("Item {id}: copies delivered and reads since its release (London).", id=item_id)
