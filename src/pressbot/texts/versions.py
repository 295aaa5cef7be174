"""What the bot says about a release's versions in English and Russian: the preview's
headings and buttons, the prompts of a second version, and the reader's switch button."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton

from pressbot.core.inputs import parse_id
from pressbot.core.languages import ENGLISH, LANGUAGES, N_, RUSSIAN
from pressbot.core.models import Version
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import shown_title

VERSION_CALLBACK_PREFIX = "version"
#: A release read in another language: "readin:<language>:<id>".
READ_IN_CALLBACK_PREFIX = "readin"

_HEADINGS = {ENGLISH: N_("<b>English version</b>"), RUSSIAN: N_("<b>Russian version</b>")}
_ADD = {ENGLISH: N_("Add an English version"), RUSSIAN: N_("Add a Russian version")}
_REWRITE = {ENGLISH: N_("Rewrite the English version"), RUSSIAN: N_("Rewrite the Russian version")}
#: The switch under a release, in the language it switches to, so its reader can read it.
READ_IN = {ENGLISH: "Read in English", RUSSIAN: "Читать по-русски"}
_ASK_TITLE = {
    ENGLISH: N_("Now the <b>English version</b>. Send its <b>title</b>."),
    RUSSIAN: N_("Now the <b>Russian version</b>. Send its <b>title</b>."),
}
#: Under the prompt of another version: what /cancel would drop.
_CANCEL_NOTE = N_("/cancel drops the whole draft, every version.")
_ASK_NEW_TITLE = {
    ENGLISH: N_(
        "The <b>English version</b>: “{title}”. Send a new <b>title</b>, or /skip to keep it."
    ),
    RUSSIAN: N_(
        "The <b>Russian version</b>: “{title}”. Send a new <b>title</b>, or /skip to keep it."
    ),
}

ASK_VERSION_BODY = N_("Now send its <b>full text</b>, in one or more messages, then /done.")


def version_heading(language: str, tr: Translator) -> str:
    """The line above one version in a preview of several."""
    return tr(_HEADINGS.get(language, _HEADINGS[ENGLISH]))


def version_buttons(versions: Sequence[Version], tr: Translator) -> list[InlineKeyboardButton]:
    """Under a preview: add the version in a language the release lacks; with both, rewrite
    either."""
    written = [version.language for version in versions]
    if len(written) < len(LANGUAGES):
        return [
            InlineKeyboardButton(tr(_ADD[language]), callback_data=_data(language))
            for language in LANGUAGES
            if language not in written
        ]
    return [
        InlineKeyboardButton(tr(_REWRITE[language]), callback_data=_data(language))
        for language in written
    ]


def _data(language: str) -> str:
    return f"{VERSION_CALLBACK_PREFIX}:{language}"


def parse_version_callback(data: str) -> str | None:
    """The language a version button names; None when it is not one."""
    prefix, _, language = data.partition(":")
    return language if prefix == VERSION_CALLBACK_PREFIX and language in LANGUAGES else None


def ask_version_title(language: str, kept: Version | None, tr: Translator) -> str:
    """The first prompt of another version: its title (one written already can be kept)."""
    if kept is None:
        asked = tr(_ASK_TITLE[language])
    else:
        asked = tr(_ASK_NEW_TITLE[language], title=shown_title(kept.title))
    return f"{asked}\n{tr(_CANCEL_NOTE)}"


def read_in_button(item_id: int, language: str) -> InlineKeyboardButton:
    """Under /read: the same item in another of its languages."""
    return InlineKeyboardButton(
        READ_IN[language], callback_data=f"{READ_IN_CALLBACK_PREFIX}:{language}:{item_id}"
    )


def parse_read_in_callback(data: str) -> tuple[str, int] | None:
    """(language, item id) of a switch button's data; None when it is not one."""
    prefix, _, rest = data.partition(":")
    language, _, number = rest.partition(":")
    item_id = parse_id(number)
    if prefix != READ_IN_CALLBACK_PREFIX or language not in LANGUAGES or item_id is None:
        return None
    return language, item_id
