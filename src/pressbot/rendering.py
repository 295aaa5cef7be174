"""Pure functions from models to Telegram HTML and keyboards; the one escaping path.

Every text a user sees that came from an item, a contact or a user passes through `escape`
(or through `plain_text_to_html` at import time) before it is sent with parse_mode HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from pressbot.clock import ClockReading, format_clock_line, format_long_date, format_short_date
from pressbot.commands import CommandInfo
from pressbot.models import (
    BroadcastAction,
    BroadcastProgress,
    Contact,
    Item,
    ItemHeadline,
    ItemKind,
    ItemPage,
    SubscriptionChange,
)
from pressbot.splitting import split_html

_TAG = re.compile(r"<[^>]*>")
# "… evidence? Answer: There is …" starts a new paragraph at the answer.
_INLINE_QA_LABEL = re.compile(r"(?<=\S)[ \t]+(?=(?:Question|Answer|Q\.|A\.):\s)")
# A paragraph opening with a speaker's label: "Question:", "Q.:", "Sergey Lavrov:".
_SPEAKER_LABEL = re.compile(r"^((?:[A-Z][\w’'.-]*)(?: [A-Z][\w’'.-]*){0,2}):(?=\s)")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

LATEST_CALLBACK_PREFIX = "latest"
READ_CALLBACK_PREFIX = "read"
TOPIC_CALLBACK_PREFIX = "topic"
QUIET_CALLBACK_PREFIX = "quietzone"
#: How much of an item's opening paragraph a release shows, in characters.
OPENING_LIMIT = 600


def escape(text: str) -> str:
    """Escape user or item text for parse_mode HTML."""
    return html.escape(text, quote=True)


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
    return f"<b>{date}</b> — {escape(headline.title)} /read_{headline.id}"


def render_latest(page: ItemPage) -> list[str]:
    """Render a page of /latest as one or more messages."""
    if not page.headlines:
        return ["No items have been published yet."]
    first, last = page.offset + 1, page.offset + len(page.headlines)
    header = f"<b>Latest events</b> ({first}–{last})"
    lines = [render_headline(headline) for headline in page.headlines]
    return split_html("\n\n".join([header, *lines]))


def latest_keyboard(page: ItemPage) -> InlineKeyboardMarkup | None:
    """Buttons that page to newer and older items, or None when all fit on one page."""
    buttons = []
    if page.has_newer:
        newer = max(page.offset - page.limit, 0)
        buttons.append(_page_button("‹ Newer", page.limit, newer))
    if page.has_older:
        buttons.append(_page_button("Older ›", page.limit, page.offset + len(page.headlines)))
    return InlineKeyboardMarkup([buttons]) if buttons else None


def _page_button(text: str, limit: int, offset: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=f"{LATEST_CALLBACK_PREFIX}:{limit}:{offset}")


def parse_latest_callback(data: str) -> tuple[int, int] | None:
    """Read (limit, offset) from a page button's callback data; None when it is not one."""
    prefix, _, rest = data.partition(":")
    limit, _, offset = rest.partition(":")
    if prefix != LATEST_CALLBACK_PREFIX or not (limit.isdigit() and offset.isdigit()):
        return None
    return int(limit), int(offset)


def render_item_full(item: Item) -> list[str]:
    """Render a whole item (bold title, date, body) as messages under Telegram's limit."""
    date = format_short_date(item.published_at)
    head = f"<b>{escape(item.title)}</b>\n<i>{date} · {escape(item.kind.label)}</i>"
    return split_html(f"{head}\n\n{item.body_html}")


def render_opening(body_html: str, limit: int = OPENING_LIMIT) -> str:
    """The opening paragraph, or about `limit` characters of it cut after a sentence."""
    first = _PARAGRAPH_BREAK.split(body_html.strip(), maxsplit=1)[0]
    pieces = split_html(first, limit=limit)
    if not pieces:
        return ""
    return pieces[0] if len(pieces) == 1 else f"{pieces[0]} …"


def render_release(item: Item) -> str:
    """What a subscriber receives: title, date, the opening, and how to read it all."""
    date = format_short_date(item.published_at)
    updated = " · <b>Updated</b>" if item.revised else ""
    return (
        f"<b>{escape(item.title)}</b>\n<i>{date} · {escape(item.kind.label)}</i>{updated}\n\n"
        f"{render_opening(item.body_html)}\n\nRead in full: /read_{item.id}"
    )


def release_keyboard(item: Item) -> InlineKeyboardMarkup:
    """The button under a release that sends the whole item."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("Read in full", callback_data=f"{READ_CALLBACK_PREFIX}:{item.id}")]]
    )


def parse_read_callback(data: str) -> int | None:
    """Read the item id from a "Read in full" button; None when it is not one."""
    prefix, _, item_id = data.partition(":")
    if prefix != READ_CALLBACK_PREFIX or not item_id.isdigit() or len(item_id) > 18:
        return None
    return int(item_id)


def render_shared(item: Item) -> str:
    """What an item shared through inline mode posts: title, date, the opening."""
    date = format_short_date(item.published_at)
    return (
        f"<b>{escape(item.title)}</b>\n<i>{date} · {escape(item.kind.label)}</i>\n\n"
        f"{render_opening(item.body_html)}"
    )


def shared_keyboard(item: Item, bot_username: str) -> InlineKeyboardMarkup:
    """A link that opens the whole item in a private chat with the bot."""
    link = f"https://t.me/{bot_username}?start=read_{item.id}"
    return InlineKeyboardMarkup([[InlineKeyboardButton("Read in full", url=link)]])


def render_withdrawn(item: Item) -> str:
    """What a delivered copy becomes when the item is withdrawn and can't be deleted."""
    return (
        f"<s>{escape(item.title)}</s>\n"
        f"<i>This item of {format_short_date(item.published_at)} was withdrawn by the Embassy.</i>"
    )


def render_search_results(query: str, headlines: Sequence[ItemHeadline], limit: int) -> list[str]:
    """Render /search results newest first, or say that nothing matched."""
    if not headlines:
        return [f"Nothing found for “{escape(query)}”. Try fewer or other words."]
    shown = "first " if len(headlines) >= limit else ""
    header = f"<b>Search:</b> “{escape(query)}” — {shown}{len(headlines)} found, newest first"
    lines = [render_headline(headline) for headline in headlines]
    return split_html("\n\n".join([header, *lines]))


def render_contacts(contacts: Sequence[Contact]) -> str:
    """Render the consular contacts."""
    if not contacts:
        return "No contacts are on record."
    blocks = [
        f"<b>{escape(contact.label)}</b>\nPhone: {escape(contact.phone)}\n"
        f"E-mail: {escape(contact.email)}"
        for contact in contacts
    ]
    return "\n\n".join(blocks)


def render_time(reading: ClockReading) -> str:
    """Render today's date and the time in Moscow and London, as on the page header."""
    return f"<b>{format_long_date(reading.london.date())}</b>\n{format_clock_line(reading)}"


GROUP_ADMINS_ONLY = "Only this group's admins can subscribe or unsubscribe it."


def render_welcome(change: SubscriptionChange | None) -> str:
    """Greet a new reader: what the bot does, the subscription, the main commands.

    `change` is None where the reader may not change the chat's subscription (a group member).
    """
    if change is None:
        state = "A group admin can send /subscribe to get new releases in this group."
    elif change is SubscriptionChange.SUBSCRIBED:
        state = "You are subscribed: new releases will arrive in this chat."
    else:
        state = "You are already subscribed to new releases."
    stop = "" if change is None else " Send /stop to end it at any time."
    return (
        "<b>Welcome to the Embassy's press updates.</b>\n\n"
        f"{state}{stop}\n\n"
        "/latest — the newest items\n/search — find an item\n"
        "/contacts — consular queries\n/time — Moscow and London time\n/help — every command"
    )


_SUBSCRIPTION_REPLIES = {
    SubscriptionChange.SUBSCRIBED: "Subscribed: new releases will arrive in this chat. "
    "/unsubscribe ends it.",
    SubscriptionChange.ALREADY_SUBSCRIBED: "This chat is already subscribed. "
    "/unsubscribe ends it.",
    SubscriptionChange.UNSUBSCRIBED: "Unsubscribed: no more releases will be sent here. "
    "/subscribe starts them again.",
    SubscriptionChange.NOT_SUBSCRIBED: "This chat is not subscribed. /subscribe starts it.",
}


def render_topics(muted: frozenset[ItemKind], *, subscribed: bool) -> str:
    """Say which kinds of item the chat gets; the buttons below toggle them."""
    followed = [kind.label for kind in ItemKind if kind not in muted]
    if not followed:
        state = "You follow no topics: no releases will arrive."
    else:
        state = "You get releases of these kinds: " + ", ".join(followed) + "."
    hint = "" if subscribed else "\nThis chat is not subscribed yet: /subscribe starts it."
    return f"<b>Topics</b>\n{state}\nTap a topic to turn it on or off.{hint}"


def topics_keyboard(muted: frozenset[ItemKind]) -> InlineKeyboardMarkup:
    """One toggle button a kind, ticked when followed."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{'☐' if kind in muted else '✅'} {kind.label}",
                    callback_data=f"{TOPIC_CALLBACK_PREFIX}:{kind.value}",
                )
            ]
            for kind in ItemKind
        ]
    )


def render_quiet(start: str | None, end: str | None, zone: str) -> str:
    """Say the chat's quiet hours and how to change them."""
    if not start or not end:
        state = "Quiet hours are off: releases arrive as they are published."
    else:
        state = (
            f"Quiet hours: {start}–{end} {zone} time. Releases published then arrive at {end};"
            " urgent ones come at once."
        )
    return (
        f"<b>Quiet hours</b>\n{state}\n"
        "Send /quiet 23:00-07:00 to set them, /quiet off to turn them off; the buttons choose"
        " the time zone."
    )


def quiet_keyboard(zone: str) -> InlineKeyboardMarkup:
    """London and Moscow, the chosen one ticked."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{'✅ ' if name == zone else ''}{name}",
                    callback_data=f"{QUIET_CALLBACK_PREFIX}:{name}",
                )
                for name in ("London", "Moscow")
            ]
        ]
    )


def render_added_to_group() -> str:
    """What the bot says when it is added to a group."""
    return (
        "Hello! I deliver the Embassy's press releases. A group admin can send /subscribe to"
        " get them here; anyone can use /latest, /search and /help."
    )


def render_subscription_change(change: SubscriptionChange) -> str:
    """Say the chat's new subscription state."""
    return _SUBSCRIPTION_REPLIES[change]


def render_help(commands: Sequence[CommandInfo]) -> str:
    """List every command, one line each."""
    lines = [f"{escape(command.usage)} — {escape(command.description)}" for command in commands]
    return "<b>Commands</b>\n" + "\n".join(lines)


def render_unknown() -> str:
    """Point a reader who sent something unexpected to /help."""
    return "Sorry, I did not understand that. Send /help to see what I can do."


_ACTIVE = {
    BroadcastAction.SEND: "Delivering",
    BroadcastAction.EDIT: "Correcting delivered copies of",
    BroadcastAction.WITHDRAW: "Withdrawing delivered copies of",
}
_DONE = {
    BroadcastAction.SEND: "Delivery report",
    BroadcastAction.EDIT: "Correction report",
    BroadcastAction.WITHDRAW: "Withdrawal report",
}


def format_duration(seconds: float) -> str:
    """Say a duration the way people do: 45 s, 3 min 20 s, 1 h 05 min."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def progress_bar(done: int, total: int, cells: int = 10) -> str:
    """A bar of `cells` squares, filled in proportion."""
    filled = cells if total == 0 else min(cells, done * cells // total)
    return "▰" * filled + "▱" * (cells - filled)


def _counts(progress: BroadcastProgress) -> str:
    channels = progress.channels_sent
    in_channels = f" (channels: {channels:,})" if channels else ""
    return (
        f"Sent {progress.sent:,} of {progress.total:,}{in_channels} · blocked"
        f" {progress.blocked:,} · failed {progress.failed:,}"
    )


def render_progress(
    progress: BroadcastProgress, title: str, rate: float | None, seconds_left: float | None
) -> str:
    """The admin's progress message while a broadcast runs."""
    percent = 100 if progress.total == 0 else progress.done * 100 // progress.total
    pace = "measuring the rate …"
    if rate is not None and seconds_left is not None:
        pace = f"{rate:.1f} messages/s · about {format_duration(seconds_left)} left"
    return (
        f"<b>{_ACTIVE[progress.action]}:</b> {escape(title)}\n"
        f"{progress_bar(progress.done, progress.total)} {percent}%\n{_counts(progress)}\n{pace}"
    )


def render_delivery_report(progress: BroadcastProgress, title: str, seconds: float) -> str:
    """The progress message once every delivery is final."""
    if progress.total == 0:
        return f"<b>{_DONE[progress.action]}:</b> {escape(title)}\nThere was nobody to send it to."
    return (
        f"<b>{_DONE[progress.action]}:</b> {escape(title)}\n"
        f"{progress_bar(progress.done, progress.total)} 100%\n{_counts(progress)}\n"
        f"Took {format_duration(seconds)}."
    )
