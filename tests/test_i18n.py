"""The Russian catalog covers every message of the bot, keeps its placeholders and its HTML."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from fakes.html_entities import parse
from pressbot.core.languages import TranslatableError
from pressbot.texts.i18n import catalog_path, choose_language, translator

SOURCE = Path(__file__).resolve().parents[1] / "src" / "pressbot"
# The keywords of scripts/update-catalogs: tr("…"), tr.plural("…", "…", n), N_("…").
KEYWORDS = {"tr": None, "plural": (1, 2), "N_": None}
# The tags the bot's messages use; "<id>" in a command's usage is text, escaped when shown.
_TAG = re.compile(r"</?(?:b|i|s|u|code|pre)>")
_PLAIN = re.compile(r"<(?!/?(?:b|i|s|u|code|pre)>)")


def extracted() -> set[str | tuple[str, ...]]:
    """Every message the code marks for translation, read from the code itself."""
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        SOURCE, [("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def russian() -> dict[str | tuple[str, ...], tuple[str, ...]]:
    """The Russian catalog: message id -> its translated forms, fuzzy ones left out."""
    with catalog_path("ru").open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    return {
        (message.id if isinstance(message.id, str) else tuple(message.id)): (
            (message.string,) if isinstance(message.string, str) else tuple(message.string)
        )
        for message in catalog
        if message.id and not message.fuzzy
    }


def test_every_message_in_the_code_has_a_russian_translation() -> None:
    catalog = russian()
    missing = sorted(
        str(message)
        for message in extracted()
        if not all(catalog.get(message, ("",))) or message not in catalog
    )
    assert missing == [], "run scripts/update-catalogs and translate these"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("message", sorted(russian(), key=str), ids=lambda m: str(m)[:40])
def test_translations_keep_placeholders_and_make_valid_telegram_html(
    message: str | tuple[str, ...],
) -> None:
    source = message if isinstance(message, str) else message[-1]
    for translated in russian()[message]:
        assert placeholders(translated) == placeholders(source)
        assert sorted(_TAG.findall(translated)) == sorted(_TAG.findall(source))
        if not _PLAIN.search(source):
            filled = translated.format(**dict.fromkeys(placeholders(source), "7"))
            parse(filled, "HTML")  # raises as Telegram would refuse the message


def test_english_is_the_code_itself_and_russian_comes_from_the_catalog() -> None:
    en, ru = translator("en"), translator("ru")
    assert en("Read in full") == "Read in full"
    assert ru("Read in full") == "Читать полностью"
    assert ru("Item {id} was not found. /latest lists items.", id=7) == (
        "Материал 7 не найден. Список — в /latest."
    )


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "Получено: пока 1 символ. Отправьте ещё или /done."),
        (3, "Получено: пока 3 символа. Отправьте ещё или /done."),
        (11, "Получено: пока 11 символов. Отправьте ещё или /done."),
        (21, "Получено: пока 21 символ. Отправьте ещё или /done."),
        (12345, "Получено: пока 12\xa0345 символов. Отправьте ещё или /done."),
    ],
)
def test_russian_plurals_follow_the_number(count: int, expected: str) -> None:
    ru = translator("ru")
    singular = "Got it: {count} character so far. Send more, or /done."
    plural = "Got it: {count} characters so far. Send more, or /done."
    assert ru.plural(singular, plural, count) == expected
    assert (
        translator("en").plural(singular, plural, count).startswith(f"Got it: {count:,} character")
    )


def test_dates_in_words_follow_the_language() -> None:
    assert translator("en").long_date(date(2018, 10, 18)) == "18 October 2018"
    assert translator("ru").long_date(date(2018, 10, 18)) == "18 октября 2018"


@pytest.mark.parametrize(
    ("code", "language"),
    [("ru", "ru"), ("ru-RU", "ru"), ("RU", "ru"), ("en", "en"), ("uk", "en"), (None, "en")],
)
def test_the_language_comes_from_telegrams_language_code(code: str | None, language: str) -> None:
    assert choose_language(code) == language


def test_an_error_for_a_reader_is_translated_with_its_values_escaped() -> None:
    error = TranslatableError("{date} is not a date.", date="<2018-13-45>")
    assert str(error) == "<2018-13-45> is not a date."
    assert error.render(translator("ru")) == "&lt;2018-13-45&gt; — не дата."
