"""What an id or a count typed by a user (or carried by a button or a link) may look like.

One rule for every command, callback and deep link: ASCII digits 0-9, at most MAX_DIGITS of
them. `str.isdigit()` is not the rule: it accepts superscripts and circled digits that `int()`
refuses, and any number of digits, while SQLite's integers end at 2**63 - 1 (19 digits).
"""

from __future__ import annotations

import re
from typing import Final

#: 18 digits stay below 2**63, so any such number is a valid SQLite integer.
MAX_DIGITS: Final = 18
#: The rule as a regular expression, for handler filters that match a whole message.
NUMBER_PATTERN: Final = rf"[0-9]{{1,{MAX_DIGITS}}}"
_NUMBER = re.compile(NUMBER_PATTERN)


def parse_number(text: str) -> int | None:
    """The number `text` spells in ASCII digits (at most MAX_DIGITS); None for anything else."""
    return int(text) if _NUMBER.fullmatch(text) else None


def parse_id(text: str) -> int | None:
    """An item's (or a held entry's) id: a number by the one rule; None for anything else."""
    return parse_number(text)


def parse_count(text: str, default: int, maximum: int) -> int:
    """How many to show: `default` for anything but a positive number, at most `maximum`."""
    number = parse_number(text)
    if number is None or number < 1:
        return default
    return min(number, maximum)
