"""What readers see of items: lists, an item in full, releases, shares, search, contacts.

Pure functions from models to Telegram HTML and keyboards, escaped through texts/markup.py.
The bot's own words go through `tr`, the reader's language (see i18n.py); their translations
keep the same HTML tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from pressbot.core.clock import ClockReading, format_short_date
from pressbot.core.inputs import parse_id, parse_number
from pressbot.core.models import (
    Contact,
    Item,
    ItemHeadline,
    ItemPage,
)
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import (
    ECHO_LIMIT,
    PARAGRAPH_BREAK,
    TITLE_LIMIT,
    escape,
    shorten,
    shown_title,
)
from pressbot.texts.media import digest_media, media_mark
from pressbot.texts.splitting import split_html

LATEST_CALLBACK_PREFIX = "latest"
READ_CALLBACK_PREFIX = "read"
#: How much of an item's opening paragraph a release shows, in characters.
OPENING_LIMIT = 600


def render_headline(headline: ItemHeadline, media_note: str | None = None) -> str:
    """One line of a list: 15.10.2018 — Title 📷 /read_12; `media_note` in place of the
    mark of the item's media (a digest says it in words)."""
    date = format_short_date(headline.published_at)
    title = shown_title(headline.title)
    note = media_mark(headline.media) if media_note is None else media_note
    return f"<b>{date}</b> — {title}{note} /read_{headline.id}"


def render_latest(page: ItemPage, tr: Translator) -> list[str]:
    """Render a page of /latest as one or more messages."""
    if not page.headlines and page.offset > 0:  # a page button from when there were more
        return [tr("There are no items this far back. /latest shows the newest.")]
    if not page.headlines:
        return [tr("No items have been published yet.")]
    first, last = page.offset + 1, page.offset + len(page.headlines)
    header = tr("<b>Latest</b> ({first}–{last})", first=first, last=last)
    lines = [render_headline(headline) for headline in page.headlines]
    return split_html("\n\n".join([header, *lines]))


def latest_keyboard(page: ItemPage, tr: Translator) -> InlineKeyboardMarkup | None:
    """Buttons that page to newer and older items, or None when all fit on one page."""
    buttons = []
    if page.has_newer:
        newer = max(page.offset - page.limit, 0)
        buttons.append(_page_button(tr("‹ Newer"), page.limit, newer))
    if page.has_older:
        older = page.offset + len(page.headlines)
        buttons.append(_page_button(tr("Older ›"), page.limit, older))
    return InlineKeyboardMarkup([buttons]) if buttons else None


def _page_button(text: str, limit: int, offset: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=f"{LATEST_CALLBACK_PREFIX}:{limit}:{offset}")


def parse_latest_callback(data: str) -> tuple[int, int] | None:
    """Read (limit, offset) from a page button's callback data; None when it is not one."""
    prefix, _, rest = data.partition(":")
    limit_text, _, offset_text = rest.partition(":")
    limit, offset = parse_number(limit_text), parse_number(offset_text)
    if prefix != LATEST_CALLBACK_PREFIX or limit is None or offset is None:
        return None
    return limit, offset


def _dateline(item: Item, tr: Translator) -> str:
    """15.10.2018 · Event, in italics, and " · Updated" once the item was corrected."""
    updated = tr(" · <b>Updated</b>") if item.revised else ""
    return f"<i>{format_short_date(item.published_at)} · {escape(tr.kind(item.kind))}</i>{updated}"


def _heading(item: Item, tr: Translator) -> str:
    """The bold title (shortened) over the dateline: how a release and a shared item begin."""
    return f"<b>{shown_title(item.title)}</b>\n{_dateline(item, tr)}"


def render_item_full(item: Item, tr: Translator) -> list[str]:
    """Render a whole item (bold title, date, body) as messages under Telegram's limit."""
    head = f"<b>{escape(item.title)}</b>\n{_dateline(item, tr)}"
    return split_html(f"{head}\n\n{item.body_html}")


def render_opening(body_html: str, limit: int = OPENING_LIMIT) -> str:
    """The opening paragraph, or about `limit` characters of it cut after a sentence."""
    first = PARAGRAPH_BREAK.split(body_html.strip(), maxsplit=1)[0]
    pieces = split_html(first, limit=limit)
    if not pieces:
        return ""
    return pieces[0] if len(pieces) == 1 else f"{pieces[0]} …"


def render_release(item: Item, tr: Translator, *, opening_limit: int = OPENING_LIMIT) -> str:
    """What a subscriber receives: title, date, the opening (about `opening_limit`
    characters of it; none at 0), and how to read it all."""
    read = tr("Read in full: /read_{id}", id=item.id)
    opening = render_opening(item.body_html, opening_limit) if opening_limit > 0 else ""
    middle = f"{opening}\n\n" if opening else ""
    return f"{_heading(item, tr)}\n\n{middle}{read}"


def release_keyboard(item: Item, tr: Translator) -> InlineKeyboardMarkup:
    """The button under a release that sends the whole item."""
    button = InlineKeyboardButton(
        tr("Read in full"), callback_data=f"{READ_CALLBACK_PREFIX}:{item.id}"
    )
    return InlineKeyboardMarkup([[button]])


def parse_read_callback(data: str) -> int | None:
    """Read the item id from a "Read in full" button; None when it is not one."""
    prefix, _, item_id = data.partition(":")
    return parse_id(item_id) if prefix == READ_CALLBACK_PREFIX else None


def render_shared(item: Item, tr: Translator) -> str:
    """What an item shared through inline mode posts: title, date, the opening."""
    return f"{_heading(item, tr)}\n\n{render_opening(item.body_html)}"


def shared_title(item: Item) -> str:
    """The result's title in the inline menu (plain text)."""
    return shorten(item.title, TITLE_LIMIT)


def shared_description(item: Item, tr: Translator) -> str:
    """The line under a result in the inline menu: 15.10.2018 · Event (plain text)."""
    return f"{format_short_date(item.published_at)} · {tr.kind(item.kind)}"


def shared_keyboard(item: Item, bot_username: str, tr: Translator) -> InlineKeyboardMarkup:
    """A link that opens the whole item in a private chat with the bot."""
    link = f"https://t.me/{bot_username}?start=read_{item.id}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(tr("Read in full"), url=link)]])


def render_withdrawn(item: Item, tr: Translator) -> str:
    """What a delivered copy becomes when the item is withdrawn and can't be deleted."""
    note = tr(
        "This item of {date} was withdrawn by the Embassy.",
        date=format_short_date(item.published_at),
    )
    return f"<s>{shown_title(item.title)}</s>\n<i>{note}</i>"


def render_search_results(
    query: str, headlines: Sequence[ItemHeadline], limit: int, tr: Translator
) -> list[str]:
    """Render /search results newest first, or say that nothing matched."""
    query = shorten(query, ECHO_LIMIT)
    if not headlines:
        return [tr("Nothing found for “{query}”. Try fewer or other words.", query=escape(query))]
    if len(headlines) >= limit:
        header = tr(
            "<b>Search:</b> “{query}” — the first {count} found, newest first",
            query=escape(query),
            count=len(headlines),
        )
    else:
        header = tr.plural(
            "<b>Search:</b> “{query}” — {count} item found, newest first",
            "<b>Search:</b> “{query}” — {count} items found, newest first",
            len(headlines),
            query=escape(query),
        )
    lines = [render_headline(headline) for headline in headlines]
    return split_html("\n\n".join([header, *lines]))


def render_contacts(contacts: Sequence[Contact], tr: Translator) -> str:
    """Render the consular contacts, each label in the reader's language when the embassy
    wrote it in that language too (else the English one)."""
    if not contacts:
        return tr("No contacts are on record.")
    blocks = [
        f"<b>{escape(contact.label_in(tr.language))}</b>\n"
        + tr("Phone: {phone}", phone=escape(contact.phone))
        + "\n"
        + tr("E-mail: {email}", email=escape(contact.email))
        for contact in contacts
    ]
    return "\n\n".join(blocks)


def render_time(reading: ClockReading, tr: Translator) -> str:
    """Render today's date and the time in Moscow and London, as on the page header."""
    moscow = reading.moscow.strftime("%H:%M")
    if reading.moscow.date() != reading.london.date():
        moscow += f" ({tr.long_date(reading.moscow.date())})"
    line = tr(
        "Moscow: {moscow} · London: {london}", moscow=moscow, london=f"{reading.london:%H:%M}"
    )
    return f"<b>{tr.long_date(reading.london.date())}</b>\n{line}"


def render_digest(headlines: Sequence[ItemHeadline], day: date, tr: Translator) -> list[str]:
    """A daily digest: the day's releases, oldest first, one line each with its /read link."""
    header = tr.plural(
        "<b>Daily digest</b> · {date}: {count} release",
        "<b>Daily digest</b> · {date}: {count} releases",
        len(headlines),
        date=tr.long_date(day),
    )
    lines = [render_headline(h, digest_media(h.media, tr)) for h in headlines]
    return split_html("\n\n".join([header, *lines]))
