"""Feeds and pages -> entries: dates, titles, texts, kinds, links and identities."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from conftest import SEED_FILE
from fakes.website import FIXTURES
from pressbot.clock import embassy_midnight
from pressbot.config import Settings, describe_settings_error
from pressbot.importer import read_items_file
from pressbot.ingest.entries import SourceError, entry_uid
from pressbot.ingest.feeds import looks_like_feed, parse_feed
from pressbot.ingest.kinds import DEFAULT_KINDS, kind_for, parse_kind_map
from pressbot.ingest.pages import parse_page
from pressbot.models import ItemKind

NOW = datetime(2018, 10, 18, 5, 18, tzinfo=UTC)
FEED_URL = "https://embassy.example/press/feed.xml"
PAGE_URL = "https://embassy.example/en/"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_rss_entries_have_their_dates_kinds_links_and_safe_text() -> None:
    visa, salisbury = parse_feed(fixture("rss.xml"), FEED_URL, DEFAULT_KINDS, NOW)
    assert visa.title == "Embassy comment on the visa queue"
    assert visa.published_at == datetime(2018, 10, 16, 8, 30, tzinfo=UTC)
    assert visa.kind == ItemKind.EVENT  # category "Comment"
    assert visa.link == "https://embassy.example/press/visa-queue"
    assert visa.body_html == (
        "The Embassy <b>regrets</b> the delays.\n\nApplicants are asked to"
        ' <a href="https://embassy.example/consular/visas">book online</a>.'
    )
    assert salisbury.kind == ItemKind.STATEMENT
    assert salisbury.body_html == "Question: any news?\n\nAnswer: none at all &amp; nothing more."


def test_atom_entries_take_content_then_summary() -> None:
    closed, students = parse_feed(fixture("atom.xml"), FEED_URL, DEFAULT_KINDS, NOW)
    assert closed.kind == ItemKind.CONSULAR_ALERT
    assert closed.body_html == "The consular section is <i>closed</i> on Monday."
    assert students.published_at == datetime(2018, 10, 14, 16, 0, tzinfo=UTC)  # <updated>
    assert students.body_html == "The Ambassador met students of the Russian language."
    assert students.kind == ItemKind.EVENT


def test_a_reordered_and_redated_feed_has_the_same_identities() -> None:
    first = parse_feed(fixture("rss.xml"), FEED_URL, DEFAULT_KINDS, NOW)
    again = parse_feed(fixture("rss_reordered.xml"), FEED_URL, DEFAULT_KINDS, NOW)
    assert {e.uid for e in first} == {e.uid for e in again}
    assert {e.published_at for e in first}.isdisjoint({e.published_at for e in again})
    assert {e.content_hash for e in first} == {e.content_hash for e in again}


def test_malformed_xml_and_html_are_no_feed() -> None:
    with pytest.raises(SourceError, match="malformed feed: mismatched tag"):
        parse_feed(fixture("malformed.xml"), FEED_URL, DEFAULT_KINDS, NOW)
    with pytest.raises(SourceError, match="not an RSS or Atom feed"):
        parse_feed(b"<html><body><p>Hello</p></body></html>", FEED_URL, DEFAULT_KINDS, NOW)
    assert looks_like_feed(fixture("atom.xml")) and not looks_like_feed(fixture("scripts.html"))


def test_the_seed_page_gives_the_seeded_items_with_the_same_identities() -> None:
    entries = parse_page(fixture("press_page.html"), PAGE_URL, DEFAULT_KINDS)
    seeded, _ = read_items_file(SEED_FILE)
    assert [e.uid for e in entries] == [item.uid for item in seeded]  # oldest first, both
    assert [e.title for e in entries] == [item.title for item in seeded]
    newest = entries[-1]
    assert newest.published_at == embassy_midnight(date(2018, 10, 15))
    assert newest.kind == ItemKind.EVENT  # section LATEST EVENTS
    assert newest.body_html.startswith("Question: Russian officials claim that “Bellingcat”")
    statement = entries[0]
    assert statement.published_at == embassy_midnight(date(2017, 8, 8))  # date above the title
    assert statement.kind == ItemKind.PRESS_RELEASE  # section PRESS RELEASES AND NEWS
    assert statement.body_html.count("\n\n") == 12  # its 13 paragraphs
    assert "Consular queries" not in "".join(e.body_html for e in entries)


def test_a_page_with_scripts_and_broken_markup_gives_one_clean_entry() -> None:
    [entry] = parse_page(fixture("scripts.html"), PAGE_URL, DEFAULT_KINDS)
    assert entry.title == "Embassy statement on cyber claims"
    assert entry.body_html == (
        "First paragraph with <b>bold <i>and italic</i></b> text.\n\n"
        'Second paragraph with a bad link, a <a href="https://embassy.example/press/good">good'
        " link</a> &amp; a &lt; sign.\n\nThird: unknown tag done"
    )


def test_a_page_without_dated_releases_is_an_error() -> None:
    with pytest.raises(SourceError, match="no dated releases"):
        parse_page(b"<html><body><h2>News</h2><p>Soon.</p></body></html>", PAGE_URL, ())


def test_identity_is_guid_then_link_then_date_and_title() -> None:
    day = date(2018, 10, 15)
    by_guid = entry_uid(FEED_URL, "42", "https://e.example/a", day, "T")
    assert by_guid == entry_uid(FEED_URL, "42", "https://e.example/b", date(2019, 1, 1), "U")
    assert by_guid != entry_uid("https://other.example/feed", "42", None, day, "T")
    assert entry_uid(FEED_URL, None, "https://e.example/a", day, "T") == "link:https://e.example/a"
    by_date = entry_uid(FEED_URL, " ", "", day, "T")
    assert by_date == entry_uid(PAGE_URL, None, None, day, "T")
    assert by_date != entry_uid(PAGE_URL, None, None, date(2018, 10, 16), "T")


def test_kinds_are_mapped_from_words_in_order() -> None:
    kinds = parse_kind_map("news=event, alert=consular_alert,statement=statement")
    assert kind_for(["Latest NEWS"], kinds) == ItemKind.EVENT
    assert kind_for(["Travel alert", "Statement"], kinds) == ItemKind.CONSULAR_ALERT
    assert kind_for(["Other"], kinds) == ItemKind.PRESS_RELEASE
    with pytest.raises(ValueError, match="word=kind"):
        parse_kind_map("news")
    with pytest.raises(ValidationError, match="feed_kinds: kinds must be out of press_release"):
        Settings(_env_file=None, feed_kinds="news=memo")  # type: ignore[call-arg]
    extra = Settings(_env_file=None, extra_kinds="memo=Memo", feed_kinds="news=memo")  # type: ignore[call-arg]
    assert extra.feed_kinds == (("news", "memo"),)


@pytest.mark.parametrize(
    ("variables", "line"),
    [
        (
            {"feed_urls": "https://e.example/feed, ftp://e.example/x"},
            "PRESSBOT_FEED_URLS is invalid: must be http:// or https:// URLs;"
            " got 'ftp://e.example/x'",
        ),
        (
            {"feed_kinds": "news=memo"},
            "PRESSBOT_FEED_KINDS is invalid: kinds must be out of press_release, statement,"
            " event, consular_alert; got 'memo'",
        ),
        (
            {"feed_interval": "5"},
            "PRESSBOT_FEED_INTERVAL is invalid: Input should be greater than or equal to 60",
        ),
    ],
)
def test_bad_website_settings_name_the_variable(variables: dict[str, str], line: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None, **variables)  # type: ignore[arg-type]
    assert describe_settings_error(raised.value) == line


def test_website_settings_are_read_from_text() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        feed_urls="https://e.example/a.xml, https://e.example/b.xml,https://e.example/a.xml",
        page_urls="https://e.example/en/",
        feed_autopublish="true",  # type: ignore[arg-type]
    )
    assert settings.feed_urls == ("https://e.example/a.xml", "https://e.example/b.xml")
    assert settings.page_urls == ("https://e.example/en/",)
    assert settings.feed_autopublish is True and settings.feed_interval == 600
    assert settings.feed_kinds == DEFAULT_KINDS


def test_an_entry_without_guid_link_or_date_keeps_its_identity() -> None:
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>Undated note</title><description>Text.</description></item>"
        b"</channel></rss>"
    )
    [first] = parse_feed(feed, FEED_URL, DEFAULT_KINDS, NOW)
    [later] = parse_feed(feed, FEED_URL, DEFAULT_KINDS, NOW.replace(hour=9))
    assert first.uid == later.uid and first.uid.startswith("title:")
    assert first.published_at == NOW and first.body_html == "Text."
