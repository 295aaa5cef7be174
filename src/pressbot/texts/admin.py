"""What the bot says to admins: prompts, previews, confirmations, lists and statistics.

Item and user text passes through rendering.escape, the one escaping path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from pressbot.core.clock import LONDON, MOSCOW
from pressbot.core.languages import N_
from pressbot.core.media import Attachment
from pressbot.core.models import Item, Kind
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import shown_title
from pressbot.texts.media import edit_media_note
from pressbot.texts.progress import digest_note

PRIVATE_ONLY = N_("Please use this command in a private chat with me.")
ASK_TITLE = N_("New release. Send its <b>title</b>.\n/cancel ends this at any step.")
ASK_BODY = N_(
    "Now send the <b>full text</b>, and any photos, videos or files (PDF and others), in any"
    " order; a caption counts as text. Long statements can come in several messages; bold,"
    " italic and links are kept. Send /done when it is complete."
)
ASK_KIND = N_("What kind of item is it?")
ASK_TIME = N_(
    "When should it be published? Send a time such as “18:00”, “18:00 London” or"
    " “2026-12-01 09:00 Moscow” (London time when no city is given)."
)
CANCELLED = N_("Cancelled. Nothing was published.")
NOTHING_TO_CANCEL = N_("There is nothing to cancel.")
EMPTY_BODY = N_("The text is still empty. Send it first, then /done.")
TITLE_TOO_LONG = N_(
    "That title is too long ({length} characters; at most {limit}). Send a shorter one."
)
NEEDS_TEXT = N_("Please send text: a title or the item's text.")
USE_BUTTONS = N_("Please use the buttons above, or /cancel.")
TITLE_FIRST = N_("Send the title first; the text comes next.")
STALE_BUTTON = N_("This button belongs to an earlier step.")


def draft_in_progress(title: str, tr: Translator) -> str:
    """Why /post or /edit can't start a second draft."""
    if title:
        return tr(
            "You have an unfinished draft “{title}”. Finish it, or send /cancel to drop it first.",
            title=shown_title(title),
        )
    return tr(
        "You have an unfinished draft without a title yet. Finish it, or send /cancel to drop"
        " it first."
    )


def kind_keyboard(kinds: Sequence[Kind], tr: Translator) -> InlineKeyboardMarkup:
    """One button per kind an admin may choose."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(tr.kind(kind), callback_data=f"kind:{kind}")] for kind in kinds]
    )


def preview_intro(correction: bool, tr: Translator, versions: int = 1) -> str:
    """The line above a preview (of `versions` versions, each as its readers get it)."""
    if correction and versions > 1:
        return tr(
            "Preview of the corrected item. The delivered copies of a version you rewrote"
            " will be corrected to it:"
        )
    if correction:
        return tr("Preview of the corrected item. Delivered copies will be corrected to this:")
    if versions > 1:
        return tr(
            "Preview: each chat will receive the version in its language, exactly as shown"
            " below, with a “Read in full” button."
        )
    return tr(
        "Preview: subscribers will receive exactly this, with a “Read in full” button (each"
        " chat with the bot's own words in its language)."
    )


def preview_keyboard(
    correction: bool, tr: Translator, urgent: bool = False, submit: bool = False
) -> InlineKeyboardMarkup:
    """Publish, Schedule, Cancel and the urgency toggle (Confirm and Cancel for a correction);
    `submit` (the author needs approval): Submit for approval and Submit with a release time
    in place of Publish and Schedule, Submit the correction in place of Confirm."""
    if correction:
        confirm = (
            InlineKeyboardButton(tr("Submit the correction"), callback_data="post:submit")
            if submit
            else InlineKeyboardButton(tr("Confirm"), callback_data="post:confirm")
        )
        return InlineKeyboardMarkup(
            [[confirm, InlineKeyboardButton(tr("Cancel"), callback_data="post:cancel")]]
        )
    if submit:
        row = [
            InlineKeyboardButton(tr("Submit for approval"), callback_data="post:submit"),
            InlineKeyboardButton(tr("Submit with a release time"), callback_data="post:submit_at"),
        ]
    else:
        row = [
            InlineKeyboardButton(tr("Publish"), callback_data="post:publish"),
            InlineKeyboardButton(tr("Schedule"), callback_data="post:schedule"),
        ]
    row.append(InlineKeyboardButton(tr("Cancel"), callback_data="post:cancel"))
    label = tr("Urgent: on (ignores quiet hours)") if urgent else tr("Urgent: off")
    return InlineKeyboardMarkup([row, [InlineKeyboardButton(label, callback_data="post:urgent")]])


def published(item_id: int, subscribers: int, in_digests: int, tr: Translator) -> str:
    """After Publish: how many get it now, and how many in their daily digests."""
    if not subscribers:
        if not in_digests:
            return tr("Published as /read_{id}. There is nobody to send it to.", id=item_id)
        head = tr("Published as /read_{id}.", id=item_id)
        return f"{head} {digest_note(in_digests, tr, others=False)}"
    started = tr.plural(
        "Published as /read_{id}. Delivery to {count} subscriber has started;"
        " a progress message follows.",
        "Published as /read_{id}. Delivery to {count} subscribers has started;"
        " a progress message follows.",
        subscribers,
        id=item_id,
    )
    if not in_digests:
        return started
    return f"{started} {digest_note(in_digests, tr, others=True)}"


def format_release_time(when: datetime, tr: Translator) -> str:
    """A release time in both capitals: 1 December 2026, 09:00 London · 12:00 Moscow."""
    london, moscow = when.astimezone(LONDON), when.astimezone(MOSCOW)
    return tr(
        "{date}, {london} London · {moscow} Moscow",
        date=tr.long_date(london.date()),
        london=f"{london:%H:%M}",
        moscow=f"{moscow:%H:%M}",
    )


def scheduled(item_id: int, when: datetime, tr: Translator) -> str:
    """After a time was given."""
    return tr(
        "Scheduled: item {id} will be published on {when}. /scheduled lists held items.",
        id=item_id,
        when=format_release_time(when, tr),
    )


def edit_started(item: Item, tr: Translator) -> str:
    """The first prompt of /edit."""
    return tr(
        "Correcting item {id}: “{title}”.\n"
        "Send the new <b>title</b>, or /skip to keep it. /cancel ends this.",
        id=item.id,
        title=shown_title(item.title),
    )


def ask_new_body(media: Sequence[Attachment], tr: Translator) -> str:
    """The second prompt of /edit: the text, and what becomes of the item's media."""
    text = tr(
        "Send the new <b>full text</b> (in one or more messages, then /done), or /skip to keep"
        " the current text."
    )
    return f"{text}\n{edit_media_note(media, tr)}"


def corrected(item_id: int, copies: int, tr: Translator) -> str:
    """After Confirm."""
    if not copies:
        return tr(
            "Item {id} is corrected. No delivered copy carries what changed, so none is"
            " edited; /read and the lists show the new words.",
            id=item_id,
        )
    return tr.plural(
        "Item {id} is corrected. {count} delivered copy is being corrected.",
        "Item {id} is corrected. {count} delivered copies are being corrected.",
        copies,
        id=item_id,
    )


def withdraw_question(item: Item, tr: Translator) -> str:
    """What /delete asks before it acts."""
    return tr(
        "Withdraw item {id}, “{title}”?\nIt leaves /latest and /search. Delivered copies are"
        " deleted where Telegram still allows it (48 hours) and otherwise marked as withdrawn.",
        id=item.id,
        title=shown_title(item.title),
    )


def withdraw_keyboard(item_id: int, tr: Translator) -> InlineKeyboardMarkup:
    """Withdraw, or keep it."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(tr("Withdraw"), callback_data=f"withdraw:{item_id}"),
                InlineKeyboardButton(tr("Keep it"), callback_data="withdraw:keep"),
            ]
        ]
    )


def withdrawn(item_id: int, copies: int, tr: Translator) -> str:
    """After Withdraw."""
    return tr.plural(
        "Item {id} is withdrawn. {count} delivered copy is being removed.",
        "Item {id} is withdrawn. {count} delivered copies are being removed.",
        copies,
        id=item_id,
    )


def not_published(item_id: int, tr: Translator) -> str:
    """/edit or /delete of an item that is not (or no longer) published."""
    return tr("Item {id} is not a published item. /latest lists them.", id=item_id)


def usage(command: str, tr: Translator) -> str:
    """/edit and /delete need an item number."""
    return tr("Send /{command} followed by an item number, e.g. /{command} 12.", command=command)


def scheduled_list(
    items: Sequence[Item], tr: Translator
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The held items, each with a button to cancel it and one to move it to another time."""
    if not items:
        return tr("No items are scheduled."), None
    lines = [tr("<b>Scheduled releases</b>")]
    buttons = []
    for item in items:
        when = format_release_time(item.publish_at, tr) if item.publish_at else tr("unknown time")
        # "Item 13 — 1 December…": a bare "13. 1 December" would read as a list's number.
        number = tr("<b>Item {id}</b> — {when}", id=item.id, when=when)
        lines.append(f"{number}\n{shown_title(item.title)}")
        label = tr("Cancel item {id}", id=item.id)
        move = tr("Move item {id}", id=item.id)
        buttons.append(
            [
                InlineKeyboardButton(label, callback_data=f"unschedule:{item.id}"),
                InlineKeyboardButton(move, callback_data=f"reschedule:{item.id}"),
            ]
        )
    return "\n\n".join(lines), InlineKeyboardMarkup(buttons)
