"""What the bot says about what waits: a held item corrected or moved, a withdrawal undone,
and the current words an /edit starts from.

Item text passes through markup.escape (titles) or is Telegram HTML as stored (texts).
"""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from pressbot.core.languages import N_
from pressbot.core.models import Item, Version
from pressbot.texts.admin import format_release_time
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import escape, shown_title
from pressbot.texts.splitting import split_html

#: Buttons: Move under /scheduled ("reschedule:<id>", texts/admin.py's scheduled_list),
#: Undo under a withdrawal ("restore:<id>").
MOVE_CALLBACK_PREFIX = "reschedule"
UNDO_CALLBACK_PREFIX = "restore"
NOT_HELD = N_("That item is no longer scheduled.")


def current_words(version: Version) -> list[str]:
    """A version's title and text as Telegram HTML, to copy with their formatting: the title
    in bold, a blank line, the text exactly as stored (in messages under Telegram's limit)."""
    return split_html(f"<b>{escape(version.title)}</b>\n\n{version.body_html}")


def held_preview_intro(when: datetime, tr: Translator) -> str:
    """The line above the preview of a held item's correction."""
    return tr(
        "Preview of the corrected item. It is still scheduled: on {when}, subscribers will"
        " receive exactly this. Nothing is sent before then.",
        when=format_release_time(when, tr),
    )


def corrected_held(item_id: int, when: datetime | None, tr: Translator) -> str:
    """After Confirm, for an item still held: nothing went out, its time stays."""
    if when is None:
        return tr("Item {id} is corrected. Nothing was sent.", id=item_id)
    return tr(
        "Item {id} is corrected. Nothing was sent: it will be published on {when} as"
        " corrected. /scheduled lists held items.",
        id=item_id,
        when=format_release_time(when, tr),
    )


def ask_new_time(item: Item, tr: Translator) -> str:
    """After Move: the item's time now, and what to send."""
    when = format_release_time(item.publish_at, tr) if item.publish_at else tr("unknown time")
    return tr(
        "Moving item {id}, “{title}”, now due on {when}. Send its new time, such as “18:00”,"
        " “18:00 London” or “2026-12-01 09:00 Moscow” (London time when no city is given)."
        "\n/cancel keeps the time it has.",
        id=item.id,
        title=shown_title(item.title),
        when=when,
    )


def moved(item_id: int, before: datetime, after: datetime, tr: Translator) -> str:
    """After the new time was given."""
    return tr(
        "Moved: item {id} will be published on {when} instead of {before}."
        " /scheduled lists held items.",
        id=item_id,
        when=format_release_time(after, tr),
        before=format_release_time(before, tr),
    )


def undo_keyboard(item_id: int, tr: Translator) -> InlineKeyboardMarkup:
    """Under "Item … is withdrawn": undo it."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(tr("Undo"), callback_data=f"{UNDO_CALLBACK_PREFIX}:{item_id}")]]
    )


def restored(item_id: int, removed: int, tr: Translator) -> str:
    """After /restore or Undo: back in the lists; what became of the copies removed."""
    head = tr("Item {id} is restored: it is back in /latest and /search.", id=item_id)
    if not removed:
        tail = tr("No delivered copy had been removed; those in subscribers' chats stay.")
    else:
        tail = tr.plural(
            "{count} copy already deleted or marked as withdrawn is not sent again; to send"
            " the item to subscribers again, post it anew with /post.",
            "{count} copies already deleted or marked as withdrawn are not sent again; to"
            " send the item to subscribers again, post it anew with /post.",
            removed,
        )
    return f"{head}\n{tail}"
