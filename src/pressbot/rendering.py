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

from pressbot.clock import ClockReading, format_short_date
from pressbot.commands import CommandInfo
from pressbot.i18n import LANGUAGE_NAMES, LANGUAGES, N_, Translator
from pressbot.models import (
    BroadcastAction,
    BroadcastProgress,
    Contact,
    Item,
    ItemHeadline,
    ItemPage,
    Kind,
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
LANGUAGE_CALLBACK_PREFIX = "language"
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


def render_latest(page: ItemPage, tr: Translator) -> list[str]:
    """Render a page of /latest as one or more messages."""
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
    limit, _, offset = rest.partition(":")
    if prefix != LATEST_CALLBACK_PREFIX or not (limit.isdigit() and offset.isdigit()):
        return None
    return int(limit), int(offset)


def _dateline(item: Item, tr: Translator) -> str:
    """15.10.2018 · Event, in italics."""
    return f"<i>{format_short_date(item.published_at)} · {escape(tr.kind(item.kind))}</i>"


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
    updated = tr(" · <b>Updated</b>") if item.revised else ""
    read = tr("Read in full: /read_{id}", id=item.id)
    return (
        f"<b>{escape(item.title)}</b>\n{_dateline(item, tr)}{updated}\n\n"
        f"{render_opening(item.body_html)}\n\n{read}"
    )


def release_keyboard(item: Item, tr: Translator) -> InlineKeyboardMarkup:
    """The button under a release that sends the whole item."""
    button = InlineKeyboardButton(
        tr("Read in full"), callback_data=f"{READ_CALLBACK_PREFIX}:{item.id}"
    )
    return InlineKeyboardMarkup([[button]])


def parse_read_callback(data: str) -> int | None:
    """Read the item id from a "Read in full" button; None when it is not one."""
    prefix, _, item_id = data.partition(":")
    if prefix != READ_CALLBACK_PREFIX or not item_id.isdigit() or len(item_id) > 18:
        return None
    return int(item_id)


def render_shared(item: Item, tr: Translator) -> str:
    """What an item shared through inline mode posts: title, date, the opening."""
    return (
        f"<b>{escape(item.title)}</b>\n{_dateline(item, tr)}\n\n{render_opening(item.body_html)}"
    )


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
    return f"<s>{escape(item.title)}</s>\n<i>{note}</i>"


def render_search_results(
    query: str, headlines: Sequence[ItemHeadline], limit: int, tr: Translator
) -> list[str]:
    """Render /search results newest first, or say that nothing matched."""
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
GROUP_SETTINGS_ADMINS_ONLY = N_("Only this group's admins can change its settings.")


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


def render_topics(
    kinds: Sequence[Kind], muted: frozenset[Kind], tr: Translator, *, subscribed: bool
) -> str:
    """Say which kinds of item the chat gets; the buttons below toggle them."""
    followed = [tr.kind(kind) for kind in kinds if kind not in muted]
    if not followed:
        state = tr("You follow no topics: no releases will arrive.")
    else:
        state = tr("You get releases of these kinds: {kinds}.", kinds=", ".join(followed))
    lines = [tr("<b>Topics</b>"), state, tr("Tap a topic to turn it on or off.")]
    if not subscribed:
        lines.append(tr("This chat is not subscribed yet: /subscribe starts it."))
    return "\n".join(lines)


def topics_keyboard(
    kinds: Sequence[Kind], muted: frozenset[Kind], tr: Translator
) -> InlineKeyboardMarkup:
    """One toggle button a kind, ticked when followed."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{'☐' if kind in muted else '✅'} {tr.kind(kind)}",
                    callback_data=f"{TOPIC_CALLBACK_PREFIX}:{kind}",
                )
            ]
            for kind in kinds
        ]
    )


#: The time zones a chat chooses from, in English; translated where shown.
ZONE_NAMES = (N_("London"), N_("Moscow"))


def render_quiet(start: str | None, end: str | None, zone: str, tr: Translator) -> str:
    """Say the chat's quiet hours and how to change them."""
    if not start or not end:
        state = tr("Quiet hours are off: releases arrive as they are published.")
    else:
        state = tr(
            "Quiet hours: {start}–{end} {zone} time. Releases published then arrive at {end};"
            " urgent ones come at once.",
            start=start,
            end=end,
            zone=tr(zone),
        )
    return "\n".join(
        [
            tr("<b>Quiet hours</b>"),
            state,
            tr(
                "Send /quiet 23:00-07:00 to set them, /quiet off to turn them off; the buttons"
                " choose the time zone."
            ),
        ]
    )


def zone_keyboard(zone: str, prefix: str, tr: Translator) -> InlineKeyboardMarkup:
    """London and Moscow, the chosen one ticked; each button's data is prefix:zone."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{'✅ ' if name == zone else ''}{tr(name)}",
                    callback_data=f"{prefix}:{name}",
                )
                for name in ZONE_NAMES
            ]
        ]
    )


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


def render_digest_setting(at: str | None, zone: str, tr: Translator) -> str:
    """Say how releases reach the chat: each as it comes, or in a digest at HH:MM."""
    if at is None:
        state = tr(
            "Each release arrives as it is published. Send /digest 08:00 to get one message"
            " a day instead."
        )
    else:
        state = tr(
            "One message a day at {time} {zone} time lists that day's releases. Urgent"
            " releases still come at once. /digest off brings back each release as it comes.",
            time=at,
            zone=tr(zone),
        )
    return "\n".join([tr("<b>Daily digest</b>"), state, tr("The buttons choose the time zone.")])


def render_language(tr: Translator) -> str:
    """Say the chat's language and offer the others."""
    return "\n".join(
        [
            tr("<b>Language</b>"),
            tr("I answer in English here. Choose a language:"),
        ]
    )


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    """One button a language, in its own words, the current one ticked."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{'✅ ' if code == current else ''}{LANGUAGE_NAMES[code]}",
                    callback_data=f"{LANGUAGE_CALLBACK_PREFIX}:{code}",
                )
                for code in LANGUAGES
            ]
        ]
    )


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
) -> str:
    """The admin's progress message while a broadcast runs."""
    percent = 100 if progress.total == 0 else progress.done * 100 // progress.total
    pace = tr("measuring the rate …")
    if rate is not None and seconds_left is not None:
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
