"""The weekly report's time (PRESSBOT_WEEKLY_REPORT), and which week is due to whom.

Pure: the slot and `now` in, instants (UTC) out. The slot is a weekday and a wall-clock time
in London, so the report comes at 09:00 local time in winter and in summer alike.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from pressbot.core.clock import LONDON

#: Weekday names an operator may write, Monday first (datetime.weekday() is their index).
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SETTING = re.compile(r"^\s*(?P<day>[a-z]+)\s+(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})\s*$")
SETTING_RULE = "must be 'off' or a weekday and a time, like 'mon 09:00'"
WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class WeeklySlot:
    """Every week on `weekday` (0 is Monday) at `at`, London time."""

    weekday: int
    at: time

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday][:3]} {self.at:%H:%M}"

    def on(self, day: date) -> datetime:
        """The instant (UTC) of the slot's time on `day` in London.

        A time the spring change skips comes an hour later by the clock (01:30 is 02:30 BST);
        one the autumn change repeats is the first of the two.
        """
        return datetime.combine(day, self.at, tzinfo=LONDON).astimezone(UTC)

    def latest_slot(self, now: datetime) -> datetime:
        """The latest slot at or before `now`, as a UTC instant."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        today = now.astimezone(LONDON).date()
        day = today - timedelta(days=(today.weekday() - self.weekday) % 7)
        slot = self.on(day)
        # Instants in UTC: two London times compare as wall clocks, blind to the clock change.
        return slot if slot <= now.astimezone(UTC) else self.on(day - WEEK)

    def week_before(self, slot: datetime) -> datetime:
        """The slot a week before `slot` (seven days by the calendar, not 168 hours)."""
        return self.on(slot.astimezone(LONDON).date() - WEEK)


def parse_weekly_slot(text: str) -> WeeklySlot | None:
    """Read "mon 09:00", "Monday 9:00" (London time), or "off" (None); ValueError otherwise."""
    if text.strip().lower() == "off":
        return None
    match = _SETTING.match(text.lower())
    if match is None:
        raise ValueError(f"{SETTING_RULE}; got {text!r}")
    name, hour, minute = match["day"], int(match["hour"]), int(match["minute"])
    days = [index for index, day in enumerate(WEEKDAYS) if name in {day, day[:3]}]
    if not days:
        raise ValueError(f"{SETTING_RULE}; {name!r} is not a weekday (mon ... sun)")
    if hour > 23 or minute > 59:
        raise ValueError(f"{SETTING_RULE}; {hour}:{minute:02d} is not a time of day")
    return WeeklySlot(days[0], time(hour, minute))


@dataclass(frozen=True, slots=True)
class WeeklyProgress:
    """How far the report of the week ending at `slot` has gone.

    `done`: the recipients it reached, or that cannot be reached (blocked the bot, never
    started it); `complete`: every recipient is done and nothing is to be tried again.
    """

    slot: datetime
    done: frozenset[int] = frozenset()
    complete: bool = False

    def reached(self, chat_id: int) -> WeeklyProgress:
        """The progress with one more recipient done."""
        return replace(self, done=self.done | {chat_id})

    def to_text(self) -> str:
        """As kept in the database's meta table."""
        return json.dumps(
            {"slot": self.slot.isoformat(), "done": sorted(self.done), "complete": self.complete}
        )

    @classmethod
    def from_text(cls, text: str) -> WeeklyProgress:
        """Read what to_text wrote."""
        data = json.loads(text)
        return cls(
            datetime.fromisoformat(data["slot"]),
            frozenset(int(chat_id) for chat_id in data["done"]),
            bool(data["complete"]),
        )


def report_due(progress: WeeklyProgress | None, due: datetime) -> WeeklyProgress | None:
    """The report to send now, with the recipients done so far; None when none is due.

    `due` is the latest slot. A report left incomplete (Telegram was unreachable) is carried
    on until a newer slot comes; then only the newer week is sent, once. A slot no later
    than the one recorded (the setting moved to an earlier weekday) sends nothing. With no
    record at all the caller records `due` as complete instead: a new database did not see
    the week that ended there.
    """
    if progress is None or due < progress.slot:
        return None
    if due > progress.slot:
        return WeeklyProgress(due)
    return None if progress.complete else progress
