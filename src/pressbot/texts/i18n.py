"""The bot's own words in English and Russian: gettext catalogs read with Babel, and dates.

Messages are written in English in the code, each wrapped as `tr("…")` (or `tr.plural(…)`,
or marked with `N_("…")` where the text is chosen later), and extracted with Babel into
`locales/pressbot.pot`; `locales/ru/LC_MESSAGES/pressbot.po` holds the Russian. The catalogs are
read once, at first use, straight from the .po files: no compiled .mo files to keep in step.
Item texts are never translated: they stay as the press office published them.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Mapping, Sequence
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from pressbot.core.kinds import ConfiguredKind
from pressbot.core.languages import ENGLISH, LANGUAGES, N_, RUSSIAN

DOMAIN = "pressbot"


#: The built-in kinds' labels by kind name (models.ItemKind), in English.
BUILT_IN_KIND_LABELS = {
    "press_release": N_("Press release"),
    "statement": N_("Statement"),
    "event": N_("Event"),
    "consular_alert": N_("Consular alert"),
}


class Translator:
    """One language's messages, numbers and dates."""

    def __init__(
        self,
        language: str,
        catalog: gettext.NullTranslations,
        kind_labels: Mapping[str, str] | None = None,
    ) -> None:
        self.language = language
        self._catalog = catalog
        self._locale = Locale.parse(language)
        self._kind_labels = dict(kind_labels or {})

    def with_kinds(self, labels: Mapping[str, str]) -> Translator:
        """This translator, also naming configured kinds: {"interview": "Interview"}."""
        return Translator(self.language, self._catalog, {**self._kind_labels, **labels})

    def kind(self, name: str) -> str:
        """The label of a kind of item in this language: "Statement", "Заявление"."""
        built_in = BUILT_IN_KIND_LABELS.get(name)
        if built_in is not None:
            return self(built_in)
        # A kind no longer configured still has items: show its name rather than fail.
        return self._kind_labels.get(name) or name.replace("_", " ").capitalize()

    def __call__(self, message: str, /, **values: object) -> str:
        """The message in this language, with `{name}` placeholders filled from `values`."""
        translated = self._catalog.gettext(message)
        return translated.format(**values) if values else translated

    def plural(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """The form of the message for `count`; `{count}` is filled in, formatted."""
        chosen = self._catalog.ngettext(singular, plural, count)
        return chosen.format(count=self.number(count), **values)

    def number(self, value: float) -> str:
        """A number as this language writes it: 12,345 or 12 345; 2.5 or 2,5 (a fraction to
        one decimal place)."""
        return format_decimal(value, format="#,##0.#", locale=self._locale)

    def long_date(self, day: date) -> str:
        """A date as the page header writes it: 18 October 2018, 18 октября 2018."""
        return format_date(day, "d MMMM y", locale=self._locale)


def pick_translator(translators: Mapping[str, Translator], language: str | None) -> Translator:
    """The translator of a chat's language, English when it has none (or one not offered)."""
    return translators.get(language or ENGLISH) or translators[ENGLISH]


def choose_language(language_code: str | None) -> str:
    """The language for a user's Telegram language_code: Russian for ru, else English."""
    if language_code and language_code.lower().split("-")[0] == RUSSIAN:
        return RUSSIAN
    return ENGLISH


@functools.cache
def translator(language: str) -> Translator:
    """The translator for one of LANGUAGES (English for anything else)."""
    if language not in LANGUAGES or language == ENGLISH:
        return Translator(ENGLISH, gettext.NullTranslations())
    return Translator(language, load_catalog(language))


def catalog_path(language: str) -> Traversable:
    """Where a language's .po file is, inside the package."""
    folder = resources.files("pressbot.texts") / "locales" / language / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po"


def load_catalog(language: str) -> gettext.GNUTranslations:
    """Read a language's .po file; fuzzy and empty translations fall back to English."""
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # skips fuzzy entries
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def kind_translators(configured: Sequence[ConfiguredKind] = ()) -> dict[str, Translator]:
    """A translator per language that also names the kinds the press office added."""
    return {
        language: translator(language).with_kinds(
            {kind.name: kind.labels[language] for kind in configured}
        )
        for language in LANGUAGES
    }
