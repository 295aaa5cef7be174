"""What admins read about the website: long lists still fit Telegram's messages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes.html_entities import parse, utf16_len
from pressbot.core.models import NewItem
from pressbot.ingest.texts import MAX_BUTTONS, held_keyboard, held_notice
from pressbot.storage.source_entries import HeldEntry
from pressbot.texts.i18n import translator


def held(number: int, url: str) -> HeldEntry:
    title = f"Embassy Press Officer’s reply number {number} " + "to a long question " * 30
    item = NewItem(f"u{number}", "event", title, "Text.", datetime(2018, 10, 15, tzinfo=UTC), url)
    return HeldEntry(number, 1, url, item)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_long_list_of_waiting_entries_is_split_with_the_buttons_last(language: str) -> None:
    url = "https://www.rusemb.org.uk/" + "press/releases/" * 60
    entries = [held(number, url) for number in range(25)]
    tr = translator(language)
    messages = held_notice(entries, tr)
    assert len(messages) > 1
    for message in messages:
        assert utf16_len(parse(message, "HTML").text) <= 4096  # Telegram would take each
    listed = "".join(messages)
    assert all(f"reply number {n} " in listed for n in range(MAX_BUTTONS))
    assert f"reply number {MAX_BUTTONS} " not in listed  # the rest: "And 15 more"
    keyboard = held_keyboard(entries, tr)
    assert keyboard is not None and len(keyboard.inline_keyboard) == MAX_BUTTONS
