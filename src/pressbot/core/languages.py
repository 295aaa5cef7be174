"""The two languages the bot speaks, and the words of the domain that are shown to users.

Pure: the codes, the marker that picks messages out for translation, and the error whose
message a user reads. The catalogs that turn them into Russian are texts/i18n.py's.
"""

from __future__ import annotations

import html
from typing import Protocol

ENGLISH = "en"
RUSSIAN = "ru"
LANGUAGES: tuple[str, ...] = (ENGLISH, RUSSIAN)
#: Each language in its own words, for the /language buttons.
LANGUAGE_NAMES = {ENGLISH: "English", RUSSIAN: "Русский"}


def written_in(text: str) -> str:
    """The language a text is written in, told by its letters: Russian when it has more
    Cyrillic letters than Latin ones, else English."""
    cyrillic = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return RUSSIAN if cyrillic > latin else ENGLISH


def N_(message: str) -> str:
    """Mark a message for extraction where it is translated later, with `tr(message)`."""
    return message


class Translate(Protocol):
    """What translates a message: texts.i18n.Translator, called as tr("…", name=value)."""

    def __call__(self, message: str, /, **values: object) -> str: ...


class TranslatableError(ValueError):
    """An error whose message a user reads: an English template and its values.

    `str(error)` is the English text; `error.render(tr)` is the text in the reader's language.
    """

    def __init__(self, template: str, /, **values: object) -> None:
        self.template = template
        self.values = values
        super().__init__(template.format(**values) if values else template)

    def render(self, tr: Translate) -> str:
        """The message in `tr`'s language, its values escaped for parse_mode HTML."""
        escaped = {name: html.escape(str(value)) for name, value in self.values.items()}
        return tr(self.template, **escaped)
