import codecs
import json
from pathlib import Path

import pytest

from conftest import DATA_DIR, PAGE_TIME, SEED_FILE
from pressbot.core.clock import format_short_date
from pressbot.core.models import Contact, ItemKind, Version
from pressbot.ingest.items_file import (
    MAX_ITEMS_FILE_BYTES,
    ItemsFileError,
    import_items_file,
    seed_if_new,
)
from pressbot.storage import Database
from pressbot.texts.markup import html_to_plain

EVENT_DATES = [
    "15.10.2018", "15.10.2018", "13.10.2018", "12.10.2018", "09.10.2018",
    "08.10.2018", "05.10.2018", "04.10.2018", "04.10.2018", "03.10.2018",
]  # fmt: skip


def words(text: str) -> list[str]:
    return text.split()


async def test_first_start_fills_every_seed_item_word_for_word(database: Database) -> None:
    page = await database.items.latest(50)
    events = [h for h in page.headlines if h.kind == ItemKind.EVENT]

    assert [format_short_date(h.published_at) for h in events] == EVENT_DATES
    document = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    stored = {}
    for headline in page.headlines:
        item = await database.items.get(headline.id)
        assert item is not None
        stored[item.title] = item
    assert len(stored) == len(document["items"]) == 11
    for entry in document["items"]:
        item = stored[entry["title"]]
        assert words(html_to_plain(item.body_html)) == words(entry["body"])
    assert await database.contacts.all() == [
        Contact("Consular queries", "+44 (0) 203 668 7474", "info@rusemb.org.uk")
    ]


async def test_the_statement_keeps_its_question_and_answer(database: Database) -> None:
    found = await database.items.search("Lavrov Manila", 5)
    assert [h.kind for h in found] == [ItemKind.STATEMENT]
    statement = await database.items.get(found[0].id)
    assert statement is not None
    assert statement.title.startswith("Foreign Minister Sergey Lavrov’s statement")
    assert statement.published_at.date().isoformat() == "2017-08-07"  # 08.08.2017 00:00 BST
    assert (
        "<b>Question:</b> Are there any changes in North Korea’s position after the adoption "
        "of the UN Security Council resolution?\n\n<b>Sergey Lavrov:</b> I heard that"
    ) in statement.body_html


async def test_inline_answers_become_their_own_paragraph(database: Database) -> None:
    [found] = await database.items.search("Glushkov seven months", 5)
    item = await database.items.get(found.id)
    assert item is not None
    assert item.body_html.startswith("<b>Q.:</b> 12 October marks seven months")
    assert "\n\n<b>A.:</b> Unfortunately, once again" in item.body_html


async def test_seeding_happens_once_in_a_databases_life(database: Database) -> None:
    assert await seed_if_new(database, DATA_DIR, PAGE_TIME) == []
    assert await database.items.count() == 11


async def test_importing_the_same_file_twice_adds_nothing(empty_database: Database) -> None:
    first = await import_items_file(empty_database, SEED_FILE, PAGE_TIME)
    second = await import_items_file(empty_database, SEED_FILE, PAGE_TIME)
    assert (first.items_added, first.contacts_changed) == (11, 1)
    assert (second.items_in_file, second.items_added, second.contacts_changed) == (11, 0, 0)
    assert await empty_database.items.count() == 11


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"items": []}, "format: Field required"),
        (
            {
                "format": "pressbot-items/1",
                "items": [{"kind": "memo", "published": "2018-10-15", "title": "t", "body": "b"}],
            },
            "items.0.kind",
        ),
        (
            {
                "format": "pressbot-items/1",
                "items": [{"kind": "event", "published": "2018-10-15", "title": " ", "body": "x"}],
            },
            "items.0.title: Value error, must not be blank",
        ),
        (
            {
                "format": "pressbot-items/1",
                "items": [
                    {"kind": "event", "published": "2018-10-15T09:00", "title": "t", "body": "b"}
                ],
            },
            "needs its offset",
        ),
        ({"format": "pressbot-items/1", "surprise": 1}, "surprise: Extra inputs"),
    ],
)
async def test_a_bad_file_is_refused_with_a_clear_message_and_changes_nothing(
    empty_database: Database, tmp_path: Path, document: object, message: str
) -> None:
    path = write(tmp_path / "bad.json", document)
    with pytest.raises(ItemsFileError, match=message):
        await import_items_file(empty_database, path, PAGE_TIME)
    assert await empty_database.items.count() == 0


async def test_not_json_and_missing_file(empty_database: Database, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ItemsFileError, match="not JSON"):
        await import_items_file(empty_database, broken, PAGE_TIME)
    with pytest.raises(ItemsFileError, match="cannot read"):
        await import_items_file(empty_database, tmp_path / "missing.json", PAGE_TIME)


async def test_explicit_uid_and_time_are_kept(empty_database: Database, tmp_path: Path) -> None:
    entry = {
        "uid": "https://example.org/press/1",
        "kind": "press_release",
        "published": "2026-11-28T09:30:00+00:00",
        "title": "A <new> release & more",
        "body": "First paragraph.\n\nSecond <b>not bold</b>.",
    }
    path = write(tmp_path / "one.json", {"format": "pressbot-items/1", "items": [entry]})
    await import_items_file(empty_database, path, PAGE_TIME)
    item = await empty_database.items.get(1)
    assert item is not None
    assert item.uid == "https://example.org/press/1"
    assert item.title == "A <new> release & more"
    assert item.body_html == "First paragraph.\n\nSecond &lt;b&gt;not bold&lt;/b&gt;."
    assert item.published_at.isoformat() == "2026-11-28T09:30:00+00:00"


SEED_TEXT = SEED_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "encoded",
    [
        SEED_TEXT.encode("utf-8-sig"),  # what Windows Notepad saves as "UTF-8"
        SEED_TEXT.encode("utf-16"),  # "Unicode": UTF-16 with its byte order mark
        codecs.BOM_UTF16_BE + SEED_TEXT.encode("utf-16-be"),
    ],
    ids=["utf-8 with a BOM", "utf-16-le with a BOM", "utf-16-be with a BOM"],
)
async def test_files_saved_on_windows_in_unicode_are_read(
    empty_database: Database, tmp_path: Path, encoded: bytes
) -> None:
    path = tmp_path / "saved.json"
    path.write_bytes(encoded)
    report = await import_items_file(empty_database, path, PAGE_TIME)
    assert (report.items_in_file, report.items_added) == (11, 11)
    [statement] = await empty_database.items.search("Lavrov Manila", 5)
    assert statement.title.startswith("Foreign Minister Sergey Lavrov’s statement")


CYRILLIC = json.dumps(
    {
        "format": "pressbot-items/1",
        "items": [
            {"kind": "event", "published": "2018-10-15", "title": "Заявление", "body": "Текст"}
        ],
    },
    ensure_ascii=False,
)


@pytest.mark.parametrize(
    "encoded",
    [
        CYRILLIC.encode("cp1251"),
        CYRILLIC.encode("utf-16-le"),  # no byte order mark: which UTF-16 is a guess
        CYRILLIC.encode("utf-32"),
    ],
    ids=["cp1251", "utf-16 without a BOM", "utf-32"],
)
async def test_other_encodings_are_refused_with_one_line(
    empty_database: Database, tmp_path: Path, encoded: bytes
) -> None:
    path = tmp_path / "saved.json"
    path.write_bytes(encoded)
    with pytest.raises(ItemsFileError) as caught:
        await import_items_file(empty_database, path, PAGE_TIME)
    assert str(caught.value) == (
        f"{path}: not UTF-8 text (nor UTF-16 with a byte order mark):"
        " save it as UTF-8 and import it again"
    )
    assert await empty_database.items.count() == 0


def item_published(published: str) -> dict[str, object]:
    entry = {"kind": "event", "published": published, "title": "t", "body": "b"}
    return {"format": "pressbot-items/1", "items": [entry]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "not an items file: nested too deeply"),
        ('{"format": "pressbot-items/1", "n": ' + "7" * 5000 + "}", "a number too long"),
        (
            json.dumps(item_published("9999-12-31T23:59:59-12:00")),
            "items.0.published: Value error, must be in the years 1900 to 2999",
        ),
        (json.dumps(item_published("3000-01-01")), "must be in the years 1900 to 2999"),
        (json.dumps(item_published("0001-01-01T00:00:00+14:00")), "must be in the years"),
    ],
    ids=["deep nesting", "5000 digits", "year 10000 in UTC", "year 3000", "year 0"],
)
async def test_what_json_or_dates_cannot_hold_is_refused_with_one_line(
    empty_database: Database, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ItemsFileError) as caught:
        await import_items_file(empty_database, path, PAGE_TIME)
    assert str(caught.value).startswith(f"{path}: "), caught.value
    assert message in str(caught.value)
    assert len(str(caught.value).splitlines()) == 1
    assert await empty_database.items.count() == 0


async def test_a_file_over_the_size_limit_is_refused_unread(
    empty_database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as out:
        out.truncate(MAX_ITEMS_FILE_BYTES + 1)  # a sparse file: the limit, and one byte more
    with pytest.raises(ItemsFileError, match=r"huge\.json: too large: more than 20 MB"):
        await import_items_file(empty_database, path, PAGE_TIME)
    with pytest.raises(ItemsFileError, match="cannot read: Is a directory"):
        await import_items_file(empty_database, tmp_path, PAGE_TIME)


async def test_a_seed_folder_that_is_not_there_is_refused_and_not_marked_seeded(
    empty_database: Database, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder"
    with pytest.raises(ItemsFileError) as caught:
        await seed_if_new(empty_database, missing, PAGE_TIME)
    assert str(caught.value) == (
        f"PRESSBOT_DATA_DIR {missing} does not exist;"
        " set PRESSBOT_SEED=false to start without the seed items"
    )
    missing.mkdir()
    with pytest.raises(ItemsFileError, match=r"holds no items file \(\*\.json\)"):
        await seed_if_new(empty_database, missing, PAGE_TIME)
    assert await empty_database.items.count() == 0
    # Not marked as seeded: once the path is right, the next start seeds it.
    [report] = await seed_if_new(empty_database, DATA_DIR, PAGE_TIME)
    assert report.items_added == await empty_database.items.count() == 11


async def test_seeding_switched_off_at_the_first_start_stays_off(
    empty_database: Database,
) -> None:
    assert await seed_if_new(empty_database, DATA_DIR, PAGE_TIME, enabled=False) == []
    assert await seed_if_new(empty_database, DATA_DIR, PAGE_TIME) == []  # turned on later
    assert await empty_database.items.count() == 0


RELEASE = {"kind": "press_release", "published": "2018-10-15", "title": "Visa queue", "body": "b"}


async def test_an_item_in_russian_and_one_with_a_translation_are_kept_whole(
    empty_database: Database, tmp_path: Path
) -> None:
    translated = {
        **RELEASE,
        "translations": {
            "ru": {"title": "Очередь за визами", "body": "Вопрос: когда? Ответ: скоро."}
        },
    }
    russian = {**RELEASE, "title": "Заявление посольства", "language": "ru"}
    document = {"format": "pressbot-items/1", "items": [russian, translated]}
    await import_items_file(empty_database, write(tmp_path / "two.json", document), PAGE_TIME)
    english = await empty_database.items.get(1)  # stored oldest first: the file's last item
    assert english is not None and english.language == "en"
    assert english.translations == (
        Version("ru", "Очередь за визами", "<b>Вопрос:</b> когда?\n\n<b>Ответ:</b> скоро."),
    )
    assert english.in_language("ru").title == "Очередь за визами"
    assert english.in_language("en").title == "Visa queue"
    statement = await empty_database.items.get(2)
    assert statement is not None
    assert (statement.language, statement.title, statement.translations) == (
        "ru",
        "Заявление посольства",
        (),
    )


@pytest.mark.parametrize(
    ("entry", "where"),
    [
        ({"language": "de"}, "items.0.language: 'de' is not one of en, ru"),
        ({"language": ""}, "items.0.language: '' is not one of en, ru"),
        (
            {"translations": {"fr": {"title": "t", "body": "b"}}},
            "items.0.translations: 'fr' is not one of en, ru",
        ),
        (
            {"translations": {"en": {"title": "t", "body": "b"}}},
            "items.0.translations.en: a translation into the language it is written in (en);"
            " give translations in the other languages only",
        ),
        (
            {"language": "ru", "translations": {"ru": {"title": "t", "body": "b"}}},
            "items.0.translations.ru: a translation into the language it is written in (ru);"
            " give translations in the other languages only",
        ),
        (
            {"translations": {"ru": {"title": " ", "body": "b"}}},
            "items.0.translations.ru.title: Value error, must not be blank",
        ),
        (
            {"translations": {"ru": {"title": "", "body": "b"}}},
            "items.0.translations.ru.title: String should have at least 1 character",
        ),
        (
            {"translations": {"ru": {"title": "t"}}},
            "items.0.translations.ru.body: Field required",
        ),
    ],
)
async def test_a_bad_language_or_translation_is_refused_in_one_line(
    empty_database: Database, tmp_path: Path, entry: dict[str, object], where: str
) -> None:
    path = write(tmp_path / "bad.json", {"format": "pressbot-items/1", "items": [RELEASE | entry]})
    with pytest.raises(ItemsFileError) as caught:
        await import_items_file(empty_database, path, PAGE_TIME)
    assert str(caught.value) == f"{path}: {where}"
    assert await empty_database.items.count() == 0


CONTACT = {"label": "Consular queries", "phone": "+44 1", "email": "info@example.org"}


async def test_a_contacts_label_in_russian_is_stored_and_its_change_counted(
    empty_database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.json"
    russian = {**CONTACT, "translations": {"ru": "Консульские вопросы"}}
    write(path, {"format": "pressbot-items/1", "contacts": [russian]})
    assert (await import_items_file(empty_database, path, PAGE_TIME)).contacts_changed == 1
    assert (await import_items_file(empty_database, path, PAGE_TIME)).contacts_changed == 0
    [contact] = await empty_database.contacts.all()
    assert contact.label_in("ru") == "Консульские вопросы"
    assert contact.label_in("en") == "Consular queries"
    renamed = {**CONTACT, "translations": {"ru": "Консульский отдел"}}
    write(path, {"format": "pressbot-items/1", "contacts": [renamed]})
    assert (await import_items_file(empty_database, path, PAGE_TIME)).contacts_changed == 1
    [contact] = await empty_database.contacts.all()
    assert contact.label_in("ru") == "Консульский отдел"
    write(path, {"format": "pressbot-items/1", "contacts": [CONTACT]})  # the label dropped
    assert (await import_items_file(empty_database, path, PAGE_TIME)).contacts_changed == 1
    [contact] = await empty_database.contacts.all()
    assert contact.label_in("ru") == "Consular queries"


@pytest.mark.parametrize(
    ("translations", "where"),
    [
        ({"de": "Konsularisches"}, "contacts.0.translations: 'de' is not one of en, ru"),
        (
            {"en": "Consular"},
            "contacts.0.translations.en: a translation into the language it is written in"
            " (en); give translations in the other languages only",
        ),
        ({"ru": " "}, "contacts.0.translations: Value error, must not be blank"),
    ],
)
async def test_a_bad_contact_label_translation_is_refused_in_one_line(
    empty_database: Database, tmp_path: Path, translations: dict[str, str], where: str
) -> None:
    contact = {**CONTACT, "translations": translations}
    path = write(tmp_path / "bad.json", {"format": "pressbot-items/1", "contacts": [contact]})
    with pytest.raises(ItemsFileError) as caught:
        await import_items_file(empty_database, path, PAGE_TIME)
    assert str(caught.value) == f"{path}: {where}"
    assert await empty_database.contacts.all() == []


async def test_the_seed_contact_has_its_russian_label(database: Database) -> None:
    [contact] = await database.contacts.all()
    assert contact.label_in("ru") == "Консульские вопросы"
