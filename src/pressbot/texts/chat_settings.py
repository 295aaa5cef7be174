"""What the bot says about a chat's own settings: topics, quiet hours, digest, language.

Pure functions from a chat's settings to Telegram HTML and keyboards, in the reader's language;
the views of handlers/topics.py, quiet.py, digest.py and language.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup

from pressbot.core.languages import LANGUAGE_NAMES, LANGUAGES, N_
from pressbot.core.models import Kind
from pressbot.texts.i18n import Translator

TOPIC_CALLBACK_PREFIX = "topic"
QUIET_CALLBACK_PREFIX = "quietzone"
LANGUAGE_CALLBACK_PREFIX = "language"
GROUP_SETTINGS_ADMINS_ONLY = N_("Only this group's admins can change its settings.")
PRIVATE_SETTINGS_OWN_ONLY = N_("Only the person whose chat this is can change its settings.")


def settings_refusal(chat: Chat | None) -> str:
    """Why a chat's settings were not changed for somebody: who may change them (a msgid)."""
    if chat is not None and chat.type == Chat.PRIVATE:
        return PRIVATE_SETTINGS_OWN_ONLY
    return GROUP_SETTINGS_ADMINS_ONLY


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
# A sentence a zone, not "{zone} time": Russian says "по лондонскому времени", no city name.
_QUIET_HOURS = {
    "London": N_(
        "Quiet hours: {start}–{end} London time. Releases published then arrive at {end};"
        " urgent ones come at once."
    ),
    "Moscow": N_(
        "Quiet hours: {start}–{end} Moscow time. Releases published then arrive at {end};"
        " urgent ones come at once."
    ),
}
_DIGEST_AT = {
    "London": N_(
        "One message a day at {time} London time lists that day's releases. Urgent"
        " releases still come at once. /digest off brings back each release as it comes."
    ),
    "Moscow": N_(
        "One message a day at {time} Moscow time lists that day's releases. Urgent"
        " releases still come at once. /digest off brings back each release as it comes."
    ),
}
_ZONE_CHOSEN = {"London": N_("London time"), "Moscow": N_("Moscow time")}


def _in_zone(messages: dict[str, str], zone: str) -> str:
    """The message of `zone`, London's for a zone not offered (any more)."""
    return messages.get(zone, messages["London"])


def zone_chosen(zone: str, tr: Translator) -> str:
    """The answer to a time zone's button: "London time"."""
    return tr(_in_zone(_ZONE_CHOSEN, zone))


def render_quiet(start: str | None, end: str | None, zone: str, tr: Translator) -> str:
    """Say the chat's quiet hours and how to change them."""
    if not start or not end:
        state = tr("Quiet hours are off: releases arrive as they are published.")
    else:
        state = tr(_in_zone(_QUIET_HOURS, zone), start=start, end=end)
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


def render_digest_setting(at: str | None, zone: str, tr: Translator) -> str:
    """Say how releases reach the chat: each as it comes, or in a digest at HH:MM."""
    if at is None:
        state = tr(
            "Each release arrives as it is published. Send /digest 08:00 to get one message"
            " a day instead."
        )
    else:
        state = tr(_in_zone(_DIGEST_AT, zone), time=at)
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
