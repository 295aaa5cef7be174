"""What the bot tells admins about website sources: notices, /sources, the Publish buttons.

In the admin's language (`tr`); everything from a website or a setting passes through
rendering.escape.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from pressbot.core.clock import LONDON, format_short_date
from pressbot.core.languages import N_
from pressbot.core.sources import SourceKind
from pressbot.storage.source_entries import HeldEntry
from pressbot.storage.sources import Source
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import escape, shorten, shown_title
from pressbot.texts.splitting import split_html

PUBLISH_PREFIX = "feedpub"
SKIP_PREFIX = "feedskip"
#: Buttons under one message: Telegram allows 100, an admin can read about ten.
MAX_BUTTONS = 10
BUTTON_TITLE = 48
#: Titles in a notice are cut here, so that ten of them fit in one message.
LISTED_TITLE = 300

NO_SOURCES = N_(
    "No website sources are set. Name feeds in PRESSBOT_FEED_URLS and pages in"
    " PRESSBOT_PAGE_URLS, then restart the bot."
)
NOT_POLLED = N_(
    "The website is not read here: PRESSBOT_POLL_WEBSITE is off, as it always is in pressbot"
    " console. A bot run with it on (the default) polls the feeds in PRESSBOT_FEED_URLS and"
    " the pages in PRESSBOT_PAGE_URLS."
)
NOT_HELD = N_("That entry is not waiting any more: it was published or skipped already.")


def _when(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%d.%m.%Y %H:%M")


def held_notice(entries: Sequence[HeldEntry], tr: Translator) -> list[str]:
    """The admin notice listing what waits for Publish, as messages under Telegram's limit."""
    head = tr.plural(
        "<b>{count} new entry from the website waits for Publish.</b>",
        "<b>{count} new entries from the website wait for Publish.</b>",
        len(entries),
    )
    lines = [
        tr(
            "{date} — {title} ({source})",
            date=format_short_date(held.item.published_at),
            title=escape(shorten(held.item.title, LISTED_TITLE)),
            source=escape(held.source_url),
        )
        for held in entries[:MAX_BUTTONS]
    ]
    if len(entries) > MAX_BUTTONS:
        lines.append(
            tr(
                "And {count} more: /sources lists them once these are published or skipped.",
                count=len(entries) - MAX_BUTTONS,
            )
        )
    return split_html("\n\n".join([head, *lines]))


def held_keyboard(entries: Sequence[HeldEntry], tr: Translator) -> InlineKeyboardMarkup | None:
    """A Publish and a Skip button for each waiting entry (the first ten)."""
    rows = []
    for held in entries[:MAX_BUTTONS]:
        short = shorten(held.item.title, BUTTON_TITLE)
        rows.append(
            [
                InlineKeyboardButton(
                    tr("Publish: {title}", title=short),
                    callback_data=f"{PUBLISH_PREFIX}:{held.id}",
                ),
                InlineKeyboardButton(tr("Skip"), callback_data=f"{SKIP_PREFIX}:{held.id}"),
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


def failing_notice(url: str, error: str, tr: Translator) -> str:
    """Sent once when a source starts failing."""
    return tr(
        "Source {url} is failing: {error}. It is tried again after growing pauses (at most an"
        " hour); /sources shows its state, and you will hear when it works again.",
        url=escape(url),
        error=escape(error),
    )


def recovered_notice(url: str, tr: Translator) -> str:
    """Sent once when a failing source works again."""
    return tr("Source {url} works again.", url=escape(url))


def skipped_answer(title: str, tr: Translator) -> str:
    """After Skip."""
    return tr("Skipped: “{title}” will not be published.", title=shown_title(title))


def sources_list(sources: Sequence[Source], tr: Translator, *, polled: bool = True) -> str:
    """/sources: each source, its last success, items imported and its error; or why none."""
    if not polled:
        return tr(NOT_POLLED)
    if not sources:
        return tr(NO_SOURCES)
    blocks = [tr("<b>Website sources</b>")]
    for source in sources:
        lines = [
            (
                tr("<b>Feed</b> {url}", url=escape(source.url))
                if source.kind == SourceKind.FEED
                else tr("<b>Page</b> {url}", url=escape(source.url))
            ),
            (
                tr("Last success: {time} (London time).", time=_when(source.last_success_at))
                if source.last_success_at
                else tr("Last success: never.")
            ),
            tr(
                "Items imported: {items}. Waiting for Publish: {held}.",
                items=source.items,
                held=source.held,
            ),
        ]
        if source.error:
            lines.append(
                tr(
                    "Error: {error} ({tries} tries in a row; next try {time}, London time).",
                    error=escape(source.error),
                    tries=source.failures,
                    time=_when(source.next_poll_at) if source.next_poll_at else tr("soon"),
                )
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
