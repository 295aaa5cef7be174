"""What the bot says to admins: prompts, previews, confirmations, lists and statistics.

Item and user text passes through rendering.escape, the one escaping path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from pressbot.clock import LONDON, MOSCOW, format_long_date
from pressbot.models import BroadcastProgress, Item, ItemKind
from pressbot.rendering import escape

NOT_ADMIN = "This command is for the press office's admins."
PRIVATE_ONLY = "Please use this command in a private chat with me."
ASK_TITLE = "New release. Send its <b>title</b>.\n/cancel ends this at any step."
ASK_BODY = (
    "Now send the <b>full text</b>. Long statements can come in several messages; bold, italic "
    "and links are kept. Send /done when it is complete."
)
ASK_KIND = "What kind of item is it?"
ASK_TIME = (
    'When should it be published? Send a time such as "18:00", "18:00 London" or '
    '"2026-12-01 09:00 Moscow" (London time when no city is given).'
)
CANCELLED = "Cancelled. Nothing was published."
NOTHING_TO_CANCEL = "There is nothing to cancel."
EMPTY_BODY = "The text is still empty. Send it first, then /done."
TITLE_TOO_LONG = (
    "That title is too long ({length} characters; at most {limit}). Send a shorter one."
)
NEEDS_TEXT = "Please send text: a title or the item's text."
USE_BUTTONS = "Please use the buttons above, or /cancel."
TITLE_FIRST = "Send the title first; the text comes next."
STALE_BUTTON = "This button belongs to an earlier step."


def draft_in_progress(title: str) -> str:
    """Why /post or /edit can't start a second draft."""
    label = f"«{escape(title)}»" if title else "without a title yet"
    return f"You have an unfinished draft {label}. Finish it, or send /cancel to drop it first."


def body_received(characters: int) -> str:
    """Acknowledge a piece of the text."""
    return f"Got it: {characters:,} characters so far. Send more, or /done."


def kind_keyboard(kinds: Sequence[ItemKind]) -> InlineKeyboardMarkup:
    """One button per kind an admin may choose."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(kind.label, callback_data=f"kind:{kind.value}")] for kind in kinds]
    )


def preview_intro(correction: bool) -> str:
    """The line above a preview."""
    if correction:
        return "Preview of the corrected item. Delivered copies will be edited to this:"
    return "Preview: subscribers will receive exactly this, with a “Read in full” button."


def preview_keyboard(correction: bool, urgent: bool = False) -> InlineKeyboardMarkup:
    """Publish, Schedule, Cancel and the urgency toggle (Confirm and Cancel for a correction)."""
    if correction:
        row = [
            InlineKeyboardButton("Confirm", callback_data="post:confirm"),
            InlineKeyboardButton("Cancel", callback_data="post:cancel"),
        ]
        return InlineKeyboardMarkup([row])
    row = [
        InlineKeyboardButton("Publish", callback_data="post:publish"),
        InlineKeyboardButton("Schedule", callback_data="post:schedule"),
        InlineKeyboardButton("Cancel", callback_data="post:cancel"),
    ]
    label = "Urgent: on (ignores quiet hours)" if urgent else "Urgent: off"
    return InlineKeyboardMarkup([row, [InlineKeyboardButton(label, callback_data="post:urgent")]])


def published(item_id: int, subscribers: int) -> str:
    """After Publish."""
    return (
        f"Published as /read_{item_id}. Delivery to {subscribers:,} subscribers has started;"
        " a progress message follows."
    )


def format_release_time(when: datetime) -> str:
    """A release time in both capitals: 1 December 2026, 09:00 London · 12:00 Moscow."""
    london, moscow = when.astimezone(LONDON), when.astimezone(MOSCOW)
    return f"{format_long_date(london.date())}, {london:%H:%M} London · {moscow:%H:%M} Moscow"


def scheduled(item_id: int, when: datetime) -> str:
    """After a time was given."""
    return (
        f"Scheduled: item {item_id} will be published on {format_release_time(when)}."
        " /scheduled lists held items."
    )


def edit_started(item: Item) -> str:
    """The first prompt of /edit."""
    return (
        f"Correcting item {item.id}: «{escape(item.title)}».\n"
        "Send the new <b>title</b>, or /skip to keep it. /cancel ends this."
    )


def ask_new_body() -> str:
    """The second prompt of /edit."""
    return (
        "Send the new <b>full text</b> (in one or more messages, then /done), or /skip to keep"
        " the current text."
    )


def corrected(item_id: int, copies: int) -> str:
    """After Confirm."""
    return f"Item {item_id} is corrected. {copies:,} delivered copies are being edited."


def withdraw_question(item: Item) -> str:
    """What /delete asks before it acts."""
    return (
        f"Withdraw item {item.id}, «{escape(item.title)}»?\nIt leaves /latest and /search. "
        "Delivered copies are deleted where Telegram still allows it (48 hours) and otherwise"
        " marked as withdrawn."
    )


def withdraw_keyboard(item_id: int) -> InlineKeyboardMarkup:
    """Withdraw, or keep it."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Withdraw", callback_data=f"withdraw:{item_id}"),
                InlineKeyboardButton("Keep it", callback_data="withdraw:keep"),
            ]
        ]
    )


def withdrawn(item_id: int, copies: int) -> str:
    """After Withdraw."""
    return f"Item {item_id} is withdrawn. {copies:,} delivered copies are being removed."


def not_published(item_id: int) -> str:
    """/edit or /delete of an item that is not (or no longer) published."""
    return f"Item {item_id} is not a published item. /latest lists them."


def usage(command: str) -> str:
    """/edit and /delete need an item number."""
    return f"Send /{command} followed by an item number, e.g. /{command} 12."


def scheduled_list(items: Sequence[Item]) -> tuple[str, InlineKeyboardMarkup | None]:
    """The held items, each with a button to cancel it."""
    if not items:
        return "No items are scheduled.", None
    lines = ["<b>Scheduled releases</b>"]
    buttons = []
    for item in items:
        when = format_release_time(item.publish_at) if item.publish_at else "unknown time"
        lines.append(f"{item.id}. {when}\n{escape(item.title)}")
        buttons.append(
            [InlineKeyboardButton(f"Cancel item {item.id}", callback_data=f"unschedule:{item.id}")]
        )
    return "\n\n".join(lines), InlineKeyboardMarkup(buttons)


def stats(
    active: int,
    inactive: int,
    kinds: dict[ItemKind, int],
    broadcasts: Sequence[tuple[BroadcastProgress, str]],
) -> str:
    """/stats: subscribers, items by kind, and the recent broadcasts' counts."""
    lines = [
        "<b>Subscribers</b>",
        f"Active {active:,} · inactive {inactive:,}",
        "",
        "<b>Items</b>",
    ]
    lines += [f"{kind.label}: {kinds.get(kind, 0):,}" for kind in ItemKind if kinds.get(kind)]
    if not kinds:
        lines.append("None yet.")
    lines += ["", "<b>Recent releases</b>"]
    if not broadcasts:
        lines.append("None yet.")
    for progress, title in broadcasts:
        state = "" if progress.finished else " (running)"
        lines.append(
            f"/read_{progress.item_id} {progress.action.value}{state}: sent {progress.sent:,}"
            f" of {progress.total:,}, blocked {progress.blocked:,}, failed {progress.failed:,}"
            f" — {escape(title)}"
        )
    return "\n".join(lines)
