"""Pure functions from models to Telegram HTML and keyboards; the one escaping path.

Every text a user sees that came from an item, a contact or a user passes through `escape`
(or through `plain_text_to_html` at import time) before it is sent with parse_mode HTML.
The bot's own words go through `tr`, the reader's language (see i18n.py); their translations
keep the same HTML tags.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from pressbot.core.clock import ClockReading, format_short_date
from pressbot.core.inputs import parse_id, parse_number
from pressbot.core.languages import N_
from pressbot.core.models import (
    Contact,
    Item,
    ItemHeadline,
    ItemPage,
    SubscriptionChange,
)
from pressbot.texts.commands import CommandInfo
from pressbot.texts.i18n import Translator
from pressbot.texts.splitting import split_html

_TAG = re.compile(r"<[^>]*>")
# "… evidence? Answer: There is …" starts a new paragraph at the answer.
_INLINE_QA_LABEL = re.compile(r"(?<=\S)[ \t]+(?=(?:Question|Answer|Q\.|A\.):\s)")
# A paragraph opening with a speaker's label: "Question:", "Q.:", "Sergey Lavrov:".
_SPEAKER_LABEL = re.compile(r"^((?:[A-Z][\w’'.-]*)(?: [A-Z][\w’'.-]*){0,2}):(?=\s)")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

LATEST_CALLBACK_PREFIX = "latest"
READ_CALLBACK_PREFIX = "read"
#: How much of an item's opening paragraph a release shows, in characters.
OPENING_LIMIT = 600
#: How much of a title a list line, an inline result, a release or a shared item shows (the
#: /post limit; items files and website feeds have none), in characters.
TITLE_LIMIT = 300
#: How much of what a user typed a reply repeats, in characters.
ECHO_LIMIT = 100


def escape(text: str) -> str:
    """Escape user or item text for parse_mode HTML."""
    return html.escape(text, quote=True)


def shown_title(title: str) -> str:
    """A title as every message shows it: shortened to TITLE_LIMIT, then escaped."""
    return escape(shorten(title, TITLE_LIMIT))


def shorten(text: str, limit: int) -> str:
    """Plain `text` cut to at most `limit` characters, at a word's end, "…" marking the cut.

    The one shortening of titles and of a user's words wherever a message repeats them, so
    that no message passes Telegram's limits because of them. Escape the result, not before.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return f"{cut.rstrip()}…"


def plain_text_to_html(text: str) -> str:
    """Turn a plain-text body into Telegram HTML, keeping its Question/Answer structure."""
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(text.strip()):
        paragraphs.extend(_INLINE_QA_LABEL.sub("\n\n", paragraph.strip()).split("\n\n"))
    rendered = []
    for paragraph in paragraphs:
        label = _SPEAKER_LABEL.match(paragraph)
        if label:
            rest = paragraph[label.end() :]
            rendered.append(f"<b>{escape(label.group(1))}:</b>{escape(rest)}")
        else:
            rendered.append(escape(paragraph))
    return "\n\n".join(rendered)


def html_to_plain(markup: str) -> str:
    """Return the text a reader sees of Telegram HTML: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", markup))


def render_headline(headline: ItemHeadline) -> str:
    """One line of a list: 15.10.2018 — Title /read_12."""
    date = format_short_date(headline.published_at)
    title = shown_title(headline.title)
    return f"<b>{date}</b> — {title} /read_{headline.id}"


def render_latest(page: ItemPage, tr: Translator) -> list[str]:
    """Render a page of /latest as one or more messages."""
    if not page.headlines and page.offset > 0:  # a page button from when there were more
        return [tr("There are no items this far back. /latest shows the newest.")]
    if not page.headlines:
        return [tr("No items have been published yet.")]
    first, last = page.offset + 1, page.offset + len(page.headlines)
    header = tr("<b>Latest events</b> ({first}–{last})", first=first, last=last)
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
    first = _PARAGRAPH_BREAK.split(body_html.strip(), maxsplit=1)[0]
    pieces = split_html(first, limit=limit)
    if not pieces:
        return ""
    return pieces[0] if len(pieces) == 1 else f"{pieces[0]} …"


def render_release(item: Item, tr: Translator) -> str:
    """What a subscriber receives: title, date, the opening, and how to read it all."""
    read = tr("Read in full: /read_{id}", id=item.id)
    return f"{_heading(item, tr)}\n\n{render_opening(item.body_html)}\n\n{read}"


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
    """Render the consular contacts (their labels as the embassy wrote them)."""
    if not contacts:
        return tr("No contacts are on record.")
    blocks = [
        f"<b>{escape(contact.label)}</b>\n"
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


GROUP_ADMINS_ONLY = N_("Only this group's admins can subscribe or unsubscribe it.")


def render_welcome(change: SubscriptionChange | None, tr: Translator) -> str:
    """Greet a new reader: what the bot does, the subscription, the main commands.

    `change` is None where the reader may not change the chat's subscription (a group member).
    """
    if change is None:
        state = tr("A group admin can send /subscribe to get new releases in this group.")
    elif change is SubscriptionChange.SUBSCRIBED:
        state = tr(
            "You are subscribed: new releases will arrive in this chat."
            " Send /stop to end it at any time."
        )
    else:
        state = tr("You are already subscribed to new releases. Send /stop to end it at any time.")
    return "\n\n".join(
        [
            tr("<b>Welcome to the Embassy's press updates.</b>"),
            state,
            tr(
                "/latest — the newest items\n/search — find an item\n"
                "/contacts — consular queries\n/time — Moscow and London time\n"
                "/language — English or Russian\n/help — every command"
            ),
        ]
    )


_SUBSCRIPTION_REPLIES = {
    SubscriptionChange.SUBSCRIBED: N_(
        "Subscribed: new releases will arrive in this chat. /unsubscribe ends it."
    ),
    SubscriptionChange.ALREADY_SUBSCRIBED: N_(
        "This chat is already subscribed. /unsubscribe ends it."
    ),
    SubscriptionChange.UNSUBSCRIBED: N_(
        "Unsubscribed: no more releases will be sent here. /subscribe starts them again."
    ),
    SubscriptionChange.NOT_SUBSCRIBED: N_("This chat is not subscribed. /subscribe starts it."),
}


def render_digest(headlines: Sequence[ItemHeadline], day: date, tr: Translator) -> list[str]:
    """A daily digest: the day's releases, oldest first, one line each with its /read link."""
    header = tr.plural(
        "<b>Daily digest</b> · {date}: {count} release",
        "<b>Daily digest</b> · {date}: {count} releases",
        len(headlines),
        date=tr.long_date(day),
    )
    lines = [render_headline(headline) for headline in headlines]
    return split_html("\n\n".join([header, *lines]))


def render_added_to_group(tr: Translator) -> str:
    """What the bot says when it is added to a group."""
    return tr(
        "Hello! I deliver the Embassy's press releases. A group admin can send /subscribe to"
        " get them here; anyone can use /latest, /search and /help."
    )


def render_subscription_change(change: SubscriptionChange, tr: Translator) -> str:
    """Say the chat's new subscription state."""
    return tr(_SUBSCRIPTION_REPLIES[change])


def render_help(commands: Sequence[CommandInfo], tr: Translator) -> str:
    """List every command, one line each."""
    lines = [
        f"{escape(tr(command.usage))} — {escape(tr(command.description))}" for command in commands
    ]
    return "\n".join([tr("<b>Commands</b>"), *lines])


def render_unknown(tr: Translator) -> str:
    """Point a reader who sent something unexpected to /help."""
    return tr("Sorry, I did not understand that. Send /help to see what I can do.")
