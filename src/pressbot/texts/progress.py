"""What the admin's progress message says while a broadcast runs, and its final report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pressbot.core.clock import EMBASSY_TZ
from pressbot.core.languages import N_
from pressbot.core.models import BroadcastAction, BroadcastProgress
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import shown_title

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


@dataclass(frozen=True, slots=True)
class Waiting:
    """Copies of a release that wait for something other than Telegram, and chats whose
    daily digest lists it instead of a copy now."""

    held: int = 0  # pending until their chat's quiet hours end
    held_until: datetime | None = None  # when the last of them is due
    in_digests: int = 0


def digest_note(count: int, tr: Translator, *, others: bool) -> str:
    """The chats that get a release in their daily digest; `others`: some get it at once."""
    if others:
        return tr.plural(
            "{count} more subscriber will find it in their daily digest.",
            "{count} more subscribers will find it in their daily digests.",
            count,
        )
    return tr.plural(
        "Nobody gets it at once: {count} subscriber will find it in their daily digest.",
        "Nobody gets it at once: {count} subscribers will find it in their daily digests.",
        count,
    )


def _held_note(waiting: Waiting, now: datetime, tr: Translator) -> str:
    until = (waiting.held_until or now).astimezone(EMBASSY_TZ)
    when = f"{until:%H:%M}"
    if until.date() > now.astimezone(EMBASSY_TZ).date():
        when = tr("{time} tomorrow", time=when)
    return tr.plural(
        "{count} copy waits for its chat's quiet hours, until {time} (London).",
        "{count} copies wait for their chats' quiet hours, the last until {time} (London).",
        waiting.held,
        time=when,
    )


def render_progress(
    progress: BroadcastProgress,
    title: str,
    rate: float | None,
    seconds_left: float | None,
    tr: Translator,
    *,
    now: datetime,
    silent_since: datetime | None = None,
    waiting: Waiting = Waiting(),
) -> str:
    """The admin's progress message while a broadcast runs.

    `silent_since`: since when Telegram has not answered the engine (None: it answers). Those
    waiting are not counted as failed: they are sent as soon as Telegram answers again.
    `seconds_left` is for the copies not held for quiet hours (`waiting.held`), which are
    said apart, with when the last of them goes.
    """
    percent = 100 if progress.total == 0 else progress.done * 100 // progress.total
    sendable = progress.pending - waiting.held
    notes = []
    if sendable > 0 and silent_since is not None:
        notes.append(
            tr(
                "Telegram has not answered since {time} (London); {waiting} waiting,"
                " to be sent as soon as it answers.",
                time=silent_since.astimezone(EMBASSY_TZ).strftime("%H:%M"),
                waiting=tr.number(sendable),
            )
        )
    elif sendable > 0 and rate is not None and seconds_left is not None:
        notes.append(
            tr(
                "{rate} messages/s · about {left} left",
                rate=tr.number(round(rate, 1)),
                left=format_duration(seconds_left, tr),
            )
        )
    elif sendable > 0:
        notes.append(tr("measuring the rate …"))
    if waiting.held:
        notes.append(_held_note(waiting, now, tr))
    if waiting.in_digests:
        notes.append(digest_note(waiting.in_digests, tr, others=True))
    lines = [
        f"<b>{tr(_ACTIVE[progress.action])}:</b> {shown_title(title)}",
        f"{progress_bar(progress.done, progress.total)} {percent}%",
        _counts(progress, tr),
        *notes,
    ]
    return "\n".join(lines)


def render_delivery_report(
    progress: BroadcastProgress, title: str, seconds: float, tr: Translator, in_digests: int = 0
) -> str:
    """The progress message once every delivery is final.

    `in_digests`: the chats whose daily digest lists the release instead.
    """
    head = f"<b>{tr(_DONE[progress.action])}:</b> {shown_title(title)}"
    if progress.total == 0 and in_digests:
        return f"{head}\n{digest_note(in_digests, tr, others=False)}"
    if progress.total == 0:
        nobody = tr("There was nobody to send it to.")  # not inside the f-string: extracted
        return f"{head}\n{nobody}"
    took = tr("Took {duration}.", duration=format_duration(seconds, tr))
    lines = [
        head,
        f"{progress_bar(progress.done, progress.total)} 100%",
        _counts(progress, tr),
        took,
    ]
    if in_digests:
        lines.append(digest_note(in_digests, tr, others=True))
    return "\n".join(lines)
