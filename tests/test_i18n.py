"""The Russian catalog covers every message of the bot, keeps its placeholders and its HTML."""

from __future__ import annotations

import io
import re
import shlex
import string
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import PoFileError, read_po

from fakes.html_entities import parse
from pressbot.core.languages import TranslatableError
from pressbot.core.models import BroadcastAction, BroadcastProgress
from pressbot.texts.chat_settings import render_digest_setting, render_quiet, zone_chosen
from pressbot.texts.i18n import catalog_path, choose_language, translator
from pressbot.texts.progress import render_delivery_report

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "pressbot"
# The tags the bot's messages use; "<id>" in a command's usage is text, escaped when shown.
_TAG = re.compile(r"</?(?:b|i|s|u|code|pre)>")
_PLAIN = re.compile(r"<(?!/?(?:b|i|s|u|code|pre)>)")
#: What Russian plurals need: one form for 1 and 21, one for 2 to 4, one for 5 and 11.
RUSSIAN_FORMS = 3

Message = str | tuple[str, ...]


def extracted() -> set[Message]:
    """Every message the code marks for translation, extracted afresh as the catalogs are:
    with scripts/update-catalogs' keywords (tr("…"), tr.plural("…", "…", n), N_("…"), and
    pybabel's own) and babel.cfg's map of the files."""
    script = (ROOT / "scripts" / "update-catalogs").read_text(encoding="utf-8")
    words = shlex.split(script)
    named = [words[i + 1] for i, word in enumerate(words) if word == "-k"]
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(named)}
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: set[Message] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        SOURCE, method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def read_russian() -> Catalog:
    with catalog_path("ru").open("rb") as handle:
        return read_po(handle, locale="ru", abort_invalid=True)


def key(message_id: str | Iterable[str]) -> Message:
    return message_id if isinstance(message_id, str) else tuple(message_id)


def forms(translated: str | Iterable[str]) -> tuple[str, ...]:
    return (translated,) if isinstance(translated, str) else tuple(translated)


def catalog_problems(catalog: Catalog, messages: Iterable[Message], needed: int) -> list[str]:
    """What keeps `catalog` from translating each of `messages`: a message it lacks, a fuzzy
    entry (gettext ignores it), an empty translation, a plural without its `needed` forms."""
    problems = []
    if catalog.num_plurals != needed:
        problems.append(f"Plural-Forms: nplurals={catalog.num_plurals}, not {needed}")
    entries = {key(entry.id): entry for entry in catalog if entry.id}
    for message in sorted(messages, key=str):
        entry = entries.get(message)
        if entry is None:
            problems.append(f"missing: {message!r}")
            continue
        strings = forms(entry.string)
        if isinstance(message, tuple) and len(strings) != needed:
            problems.append(f"{len(strings)} forms, not {needed}: {message!r}")
        if not all(strings):
            problems.append(f"untranslated: {message!r}")
    problems += [f"fuzzy: {key(e.id)!r}" for e in entries.values() if e.fuzzy]
    return problems


def russian() -> dict[Message, tuple[str, ...]]:
    """The Russian catalog: message id -> its translated forms, fuzzy and untranslated ones
    left out (the test above names them)."""
    return {
        key(message.id): forms(message.string)
        for message in read_russian()
        if message.id and not message.fuzzy and all(forms(message.string))
    }


def test_every_message_in_the_code_has_a_russian_translation_in_every_form() -> None:
    problems = catalog_problems(read_russian(), extracted(), RUSSIAN_FORMS)
    assert problems == [], "run scripts/update-catalogs and translate these"


_HEADER = (
    'msgid ""\nmsgstr ""\n"Language: ru\\n"\n'
    '"Plural-Forms: nplurals={forms}; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4'
    ' && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
)
_ITEM = 'msgid "Item"\nmsgstr "Материал"\n\n'
_COPIES = 'msgid "{{count}} copy"\nmsgid_plural "{{count}} copies"\n{strings}\n\n'
COPIES = ("{count} copy", "{count} copies")
_THREE = 'msgstr[0] "{count} копия"\nmsgstr[1] "{count} копии"\nmsgstr[2] "{count} копий"'


@pytest.mark.parametrize(
    ("po", "problems"),
    [
        (_HEADER.format(forms=3) + _ITEM + _COPIES.format(strings=_THREE), []),
        (_HEADER.format(forms=3) + _COPIES.format(strings=_THREE), ["missing: 'Item'"]),
        (
            _HEADER.format(forms=3) + "#, fuzzy\n" + _ITEM + _COPIES.format(strings=_THREE),
            ["fuzzy: 'Item'"],
        ),
        (
            _HEADER.format(forms=3) + _ITEM + _COPIES.format(strings=_THREE.rpartition("\n")[0]),
            [f"untranslated: {COPIES!r}"],
        ),
        (
            _HEADER.format(forms=2) + _ITEM + _COPIES.format(strings=_THREE.rpartition("\n")[0]),
            ["Plural-Forms: nplurals=2, not 3", f"2 forms, not 3: {COPIES!r}"],
        ),
    ],
    ids=["complete", "missing", "fuzzy", "a form missing", "two forms"],
)
def test_the_catalog_check_finds_what_gettext_would_show_in_english(
    po: str, problems: list[str]
) -> None:
    catalog = read_po(io.BytesIO(po.encode()), locale="ru", abort_invalid=True)
    assert catalog_problems(catalog, {"Item", COPIES}, RUSSIAN_FORMS) == problems


def test_a_fourth_russian_form_is_refused_as_the_catalog_is_read() -> None:
    po = _HEADER.format(forms=3) + _COPIES.format(strings=_THREE + '\nmsgstr[3] "копий"')
    with pytest.raises(PoFileError):
        read_po(io.BytesIO(po.encode()), locale="ru", abort_invalid=True)


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
        (1, "Пока получен 1 символ. Отправьте ещё или /done."),
        (3, "Пока получено 3 символа. Отправьте ещё или /done."),
        (5, "Пока получено 5 символов. Отправьте ещё или /done."),
        (11, "Пока получено 11 символов. Отправьте ещё или /done."),
        (21, "Пока получен 21 символ. Отправьте ещё или /done."),
        (12345, "Пока получено 12\xa0345 символов. Отправьте ещё или /done."),
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


RU = translator("ru")


def sent(total: int, sent: int, blocked: int, failed: int) -> BroadcastProgress:
    return BroadcastProgress(1, 12, BroadcastAction.SEND, total, sent, blocked, failed, 9001, 7,
                             True, datetime(2018, 10, 18, tzinfo=UTC))  # fmt: skip


def test_russian_says_a_time_zone_as_russian_does() -> None:
    assert render_quiet("23:00", "07:00", "London", RU).splitlines()[1] == (
        "Тихие часы: 23:00–07:00 по лондонскому времени. Опубликованное в эти часы придёт в"
        " 07:00; срочное — сразу."
    )
    assert render_digest_setting("08:00", "Moscow", RU).splitlines()[1:] == [
        "Раз в день, в 08:00 по московскому времени, приходит одно сообщение со списком"
        " материалов за день. Срочные по-прежнему приходят сразу. /digest off — снова получать"
        " каждый материал отдельно.",
        "Часовой пояс можно выбрать кнопками ниже.",
    ]
    assert [zone_chosen(zone, RU) for zone in ("London", "Moscow")] == [
        "Лондонское время",
        "Московское время",
    ]
    assert zone_chosen("Moscow", translator("en")) == "Moscow time"


def test_russian_counts_of_a_delivery_read_the_same_for_any_number() -> None:
    for blocked, failed in ((0, 0), (1, 21), (2, 5)):
        report = render_delivery_report(sent(30, 3, blocked, failed), "T", 3, RU)
        assert report.splitlines()[2:] == [
            f"Отправлено 3 из 30 · заблокировано: {blocked} · ошибок: {failed}",
            "Выполнено за 3 с.",
        ]


def test_an_english_message_quotes_with_curly_quotes_and_a_russian_one_with_guillemets() -> None:
    straight = [m for m in extracted() for text in key(m) if '"' in text or "«" in text]
    assert straight == []
    for message, translated in russian().items():
        for text in translated:
            assert '"' not in text and "“" not in text and "”" not in text, message
