from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import PAGE_TIME
from fakes.html_entities import parse
from pressbot.core.inputs import parse_number
from pressbot.core.models import Contact, Item, ItemHeadline, ItemKind, ItemPage
from pressbot.storage import Database
from pressbot.texts.admin import scheduled_list
from pressbot.texts.chat import render_help
from pressbot.texts.commands import ADMIN_COMMANDS, READER_COMMANDS
from pressbot.texts.i18n import translator
from pressbot.texts.markup import TITLE_LIMIT, html_to_plain, plain_text_to_html, shorten
from pressbot.texts.reader import (
    latest_keyboard,
    parse_latest_callback,
    render_contacts,
    render_headline,
    render_item_full,
    render_latest,
    render_release,
    render_search_results,
    render_shared,
)

EN = translator("en")
HOSTILE = 'Tom & Jerry <script>alert("x")</script> </b> &amp; <a href="x">'


def telegram_text(markup: str) -> str:
    """What Telegram shows for a parse_mode=HTML text; raises if Telegram would refuse it."""
    return parse(markup, "HTML").text


def headline(n: int, title: str = "Title") -> ItemHeadline:
    return ItemHeadline(n, ItemKind.EVENT, title, PAGE_TIME - timedelta(days=n))


def test_item_and_user_text_is_escaped_everywhere() -> None:
    page = ItemPage((headline(1, HOSTILE),), 0, 10, more=False)
    item = Item(
        1,
        "u",
        ItemKind.EVENT,
        HOSTILE,
        plain_text_to_html(HOSTILE),
        PAGE_TIME,
        "",
        PAGE_TIME,
        PAGE_TIME,
    )
    rendered = [
        *render_latest(page, EN),
        *render_item_full(item, EN),
        *render_search_results(HOSTILE, [headline(1, HOSTILE)], 20, EN),
        *render_search_results(HOSTILE, [], 20, EN),
        render_contacts([Contact(HOSTILE, HOSTILE, HOSTILE)], EN),
    ]
    for markup in rendered:
        assert HOSTILE in telegram_text(markup)


def test_latest_lines_show_date_title_and_read_link() -> None:
    page = ItemPage((headline(1, "First"), headline(2, "Second")), 0, 10, more=False)
    [message] = render_latest(page, EN)
    assert telegram_text(message) == (
        "Latest (1–2)\n\n17.10.2018 — First /read_1\n\n16.10.2018 — Second /read_2"
    )
    assert latest_keyboard(page, EN) is None


def test_fifty_long_titles_split_into_valid_messages() -> None:
    title = "Embassy Press Officer’s reply to a media question concerning " + "x" * 120
    page = ItemPage(tuple(headline(n, f"{title} {n}") for n in range(50)), 0, 50, more=True)
    messages = render_latest(page, EN)
    assert len(messages) > 1
    lines = [line for m in messages for line in telegram_text(m).split("\n\n")]
    assert [line.rsplit(" ", 1)[1] for line in lines[1:]] == [f"/read_{n}" for n in range(50)]


def test_paging_buttons_and_their_data() -> None:
    page = ItemPage(tuple(headline(n) for n in range(10, 20)), 10, 10, more=True)
    keyboard = latest_keyboard(page, EN)
    assert keyboard is not None
    [[newer, older]] = keyboard.inline_keyboard
    assert (newer.text, newer.callback_data) == ("‹ Newer", "latest:10:0")
    assert (older.text, older.callback_data) == ("Older ›", "latest:10:20")
    assert parse_latest_callback("latest:10:20") == (10, 20)


@pytest.mark.parametrize(
    "data", ["", "latest", "latest:x:1", "latest:1:-1", "other:1:2", "latest:1"]
)
def test_junk_callback_data_is_not_a_page(data: str) -> None:
    assert parse_latest_callback(data) is None


async def test_long_statement_is_split_into_valid_messages_in_order(database: Database) -> None:
    [found] = await database.items.search("ASEANAPOL", 5)
    item = await database.items.get(found.id)
    assert item is not None
    messages = render_item_full(item, EN)
    assert len(messages) == 2
    texts = [telegram_text(m) for m in messages]
    assert all(0 < len(t) <= 4096 for t in texts)
    assert texts[0].startswith(f"{item.title}\n08.08.2017 · Statement\n\nManila has been hosting")
    assert parse(messages[0], "HTML").entities[0] == {
        "type": "bold",
        "offset": 0,
        "length": len(item.title),
    }
    assert texts[1].endswith("a solution that suits all parties.")
    # Cut between paragraphs: each message ends a paragraph, the next starts one.
    assert texts[0].endswith(".") and texts[1][0].isupper()


def test_speaker_labels_are_bold_only_at_paragraph_start() -> None:
    html = plain_text_to_html(
        "Question: Why? Answer: Because.\n\nLadies and gentlemen, In recent weeks: a colon."
    )
    assert html == (
        "<b>Question:</b> Why?\n\n<b>Answer:</b> Because.\n\n"
        "Ladies and gentlemen, In recent weeks: a colon."
    )


def test_help_lists_every_command_once() -> None:
    text = telegram_text(render_help(READER_COMMANDS, EN))
    for command in READER_COMMANDS:
        assert text.count(f"/{command.name}") >= 1
    assert len(text.splitlines()) == len(READER_COMMANDS) + 1


def test_item_dates_are_the_embassys_dates() -> None:
    late_evening = datetime(2018, 10, 15, 23, 30, tzinfo=UTC)  # 16.10 00:30 in London
    item = Item(1, "u", ItemKind.EVENT, "T", "B", late_evening, "", late_evening, late_evening)
    assert telegram_text(render_item_full(item, EN)[0]).splitlines()[1] == "16.10.2018 · Event"


def test_shorten_cuts_at_a_word_and_marks_the_cut() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("one two three four", 12) == "one two…"
    assert shorten("x" * 50, 10) == "x" * 9 + "…"
    assert len(shorten("word " * 1000, TITLE_LIMIT)) <= TITLE_LIMIT


@given(st.text())
def test_a_number_is_ascii_digits_within_sqlites_range(text: str) -> None:
    number = parse_number(text)
    if text.isascii() and text.isdigit() and len(text) <= 18:
        assert number == int(text)
    else:
        assert number is None
    assert number is None or 0 <= number < 2**63


@given(st.text(min_size=1, max_size=5000))
def test_any_search_query_is_repeated_within_telegrams_limit(query: str) -> None:
    for found in ([], [headline(1)]):
        [message, *_] = render_search_results(query, found, 20, EN)
        assert len(telegram_text(message).encode("utf-16-le")) // 2 < 4096


@given(st.text(min_size=1, max_size=9000))
def test_any_title_is_shown_within_telegrams_limits(title: str) -> None:
    item = Item(7, "u", ItemKind.EVENT, title, "Text.", PAGE_TIME, "", PAGE_TIME, PAGE_TIME)
    line = render_headline(headline(7, title))
    for markup in (render_release(item, EN), render_shared(item, EN), line):
        assert len(telegram_text(markup)) < 1200


def test_a_corrected_item_reads_updated_as_its_delivered_copies_do() -> None:
    item = Item(
        7, "u", ItemKind.EVENT, "Title", "Text.", PAGE_TIME, "", PAGE_TIME, PAGE_TIME, revision=1
    )
    dateline = "18.10.2018 · Event · Updated"
    assert telegram_text(render_release(item, EN)).split("\n")[:2] == ["Title", dateline]
    assert telegram_text(render_item_full(item, EN)[0]).split("\n")[:2] == ["Title", dateline]


def test_russian_speaker_labels_are_bold_as_english_ones_are() -> None:
    html = plain_text_to_html(
        "Вопрос: Почему? Ответ: Потому что.\n\nВ.: Когда? О.: Завтра.\n\n"
        "С.В.Лавров: Мы готовы.\n\nМария Захарова: Спасибо."
    )
    assert html == (
        "<b>Вопрос:</b> Почему?\n\n<b>Ответ:</b> Потому что.\n\n"
        "<b>В.:</b> Когда?\n\n<b>О.:</b> Завтра.\n\n"
        "<b>С.В.Лавров:</b> Мы готовы.\n\n<b>Мария Захарова:</b> Спасибо."
    )


def test_a_russian_sentence_with_a_colon_is_not_a_speaker() -> None:
    text = (
        "Министр подчеркнул: санкции не работают.\n\n"
        "Как заявил Сергей Лавров: «Мы готовы».\n\n"
        "Дамы и господа, В последние недели: двоеточие. Главный вопрос: когда?"
    )
    assert plain_text_to_html(text) == text


_LATIN_CAPITALS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CYRILLIC_CAPITALS = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ"
_LOWER = "abcdefghijklmnopqrstuvwxyzабвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_capital = st.sampled_from(_LATIN_CAPITALS + _CYRILLIC_CAPITALS)
# A word of a speaker's label: a name ("Лавров", "Jean-Yves", "O’Neill"), or initials,
# maybe run into the name ("С.", "С.В.", "С.В.Лавров").
_name = st.builds(str.__add__, _capital, st.text(alphabet=_LOWER + "-’", max_size=10))
_initials = st.lists(_capital.map(lambda c: f"{c}."), min_size=1, max_size=2).map("".join)
_capitalised = st.one_of(_name, _initials, st.builds(str.__add__, _initials, _name))
_lower_word = st.text(alphabet=_LOWER, min_size=1, max_size=10)
_rest = st.lists(_lower_word, min_size=1, max_size=8).map(" ".join)


@given(st.lists(_capitalised, min_size=1, max_size=3), _rest)
def test_a_label_of_one_to_three_capitalised_words_is_bold_in_either_alphabet(
    words: list[str], rest: str
) -> None:
    label = " ".join(words)
    markup = plain_text_to_html(f"{label}: {rest}")
    assert markup == f"<b>{label}:</b> {rest}"
    bold = {"type": "bold", "offset": 0, "length": len(label) + 1}
    assert list(parse(markup, "HTML").entities) == [bold]


@given(_capitalised, st.lists(_lower_word, min_size=1, max_size=3), _rest)
def test_a_sentence_that_reaches_a_colon_is_never_bold(
    first: str, words: list[str], rest: str
) -> None:
    text = f"{first} {' '.join(words)}: {rest}"
    assert plain_text_to_html(text) == text


@given(st.text(max_size=400))
def test_any_text_keeps_every_character_and_is_valid_telegram_html(text: str) -> None:
    markup = plain_text_to_html(text)
    parse(markup, "HTML")  # raises as Telegram would refuse it
    assert "".join(html_to_plain(markup).split()) == "".join(text.split())


def test_an_admin_sees_the_admin_commands_under_a_heading_of_their_own() -> None:
    text = telegram_text(render_help(READER_COMMANDS, EN, ADMIN_COMMANDS))
    readers, admins = text.split("\n\n")
    assert readers.splitlines()[0] == "Commands"
    assert admins.splitlines() == [
        "Admin commands",
        *(f"{c.usage} — {c.description}" for c in ADMIN_COMMANDS),
    ]
    russian = telegram_text(render_help(READER_COMMANDS, translator("ru"), ADMIN_COMMANDS))
    assert "\n\nКоманды администраторов\n/post — написать новый материал" in (russian)


def test_scheduled_lines_name_the_item_not_a_list_number() -> None:
    item = Item(
        13, "u", ItemKind.EVENT, "Reception", "Text.", PAGE_TIME, "", PAGE_TIME, PAGE_TIME,
        publish_at=datetime(2026, 12, 1, 18, 0, tzinfo=UTC),
    )  # fmt: skip
    text, _ = scheduled_list([item], EN)
    assert telegram_text(text) == (
        "Scheduled releases\n\nItem 13 — 1 December 2026, 18:00 London · 21:00 Moscow\nReception"
    )
    russian, _ = scheduled_list([item], translator("ru"))
    assert telegram_text(russian) == (
        "Запланированные материалы\n\n"
        "Материал 13 — 1 декабря 2026, 18:00 по Лондону · 21:00 по Москве\nReception"
    )
