"""What the admin's progress message says while a broadcast runs, and its final report."""

from __future__ import annotations

from datetime import datetime

from pressbot.clock import EMBASSY_TZ
from pressbot.i18n import N_, Translator
from pressbot.models import BroadcastAction, BroadcastProgress
from pressbot.rendering import escape

_ACTIVE = {
    BroadcastAction.SEND: N_("Delivering"),
    BroadcastAction.EDIT: N_("Correcting delivered copies of"),
    BroadcastAction.WITHDRAW: N_("Withdrawing delivered copies of"),
}
_DONE = {
    BroadcastAction.SEND: N_("Delivery report"),
    BroadcastAction.EDIT: N_("Correction report"),
    BroadcastAction.WITHDRAW: N_("Withdrawal report"),
}


def format_duration(seconds: float, tr: Translator) -> str:
    """Say a duration the way people do: 45 s, 3 min 20 s, 1 h 05 min."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return tr("{seconds} s", seconds=seconds)
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return tr("{minutes} min {seconds} s", minutes=minutes, seconds=f"{seconds:02d}")
    hours, minutes = divmod(minutes, 60)
    return tr("{hours} h {minutes} min", hours=hours, minutes=f"{minutes:02d}")


def progress_bar(done: int, total: int, cells: int = 10) -> str:
    """A bar of `cells` squares, filled in proportion."""
    filled = cells if total == 0 else min(cells, done * cells // total)
    return "▰" * filled + "▱" * (cells - filled)


def _counts(progress: BroadcastProgress, tr: Translator) -> str:
    numbers = {
        "sent": tr.number(progress.sent),
        "total": tr.number(progress.total),
        "blocked": tr.number(progress.blocked),
        "failed": tr.number(progress.failed),
    }
    if progress.channels_sent:
        return tr(
            "Sent {sent} of {total} (channels: {channels}) · blocked {blocked} · failed {failed}",
            channels=tr.number(progress.channels_sent),
            **numbers,
        )
    return tr("Sent {sent} of {total} · blocked {blocked} · failed {failed}", **numbers)


def render_progress(
    progress: BroadcastProgress,
    title: str,
    rate: float | None,
    seconds_left: float | None,
    tr: Translator,
    *,
    silent_since: datetime | None = None,
) -> str:
    """The admin's progress message while a broadcast runs.

    `silent_since`: since when Telegram has not answered the engine (None: it answers). Those
    waiting are not counted as failed: they are sent as soon as Telegram answers again.
    """
    percent = 100 if progress.total == 0 else progress.done * 100 // progress.total
    pace = tr("measuring the rate …")
    if silent_since is not None:
        pace = tr(
            "Telegram has not answered since {time} (London); {waiting} waiting,"
            " to be sent as soon as it answers.",
            time=silent_since.astimezone(EMBASSY_TZ).strftime("%H:%M"),
            waiting=tr.number(progress.pending),
        )
    elif rate is not None and seconds_left is not None:
        pace = tr(
            "{rate} messages/s · about {left} left",
            rate=f"{rate:.1f}",
            left=format_duration(seconds_left, tr),
        )
    return (
        f"<b>{tr(_ACTIVE[progress.action])}:</b> {escape(title)}\n"
        f"{progress_bar(progress.done, progress.total)} {percent}%\n"
        f"{_counts(progress, tr)}\n{pace}"
    )


def render_delivery_report(
    progress: BroadcastProgress, title: str, seconds: float, tr: Translator
) -> str:
    """The progress message once every delivery is final."""
    head = f"<b>{tr(_DONE[progress.action])}:</b> {escape(title)}"
    if progress.total == 0:
        return f"{head}\n{tr('There was nobody to send it to.')}"
    took = tr("Took {duration}.", duration=format_duration(seconds, tr))
    return (
        f"{head}\n{progress_bar(progress.done, progress.total)} 100%\n"
        f"{_counts(progress, tr)}\n{took}"
    )
