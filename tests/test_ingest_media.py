"""Media of the website's feeds and pages, and of items files -> attachments."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import PAGE_TIME, SEED_FILE
from pressbot.core.media import Attachment, MediaKind
from pressbot.core.models import ItemKind
from pressbot.ingest.entries import Entry
from pressbot.ingest.feeds import parse_feed
from pressbot.ingest.items_file import ItemsFileError, import_items_file, read_items_file
from pressbot.ingest.kind_map import DEFAULT_KINDS
from pressbot.ingest.media import keep, kind_of, web_url
from pressbot.ingest.pages import parse_page
from pressbot.storage import Database

NOW = datetime(2018, 10, 18, 5, 18, tzinfo=UTC)
FEED_URL = "https://embassy.example/press/feed.xml"
PAGE_URL = "https://embassy.example/en/"
PHOTO, VIDEO, DOCUMENT = MediaKind.PHOTO, MediaKind.VIDEO, MediaKind.DOCUMENT
MB = 2**20

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
  <title>Embassy press releases</title><link>https://embassy.example/press/</link>
  <item>
    <title>Ambassador visits Edinburgh</title>
    <link>https://embassy.example/news/2018/edinburgh</link>
    <guid isPermaLink="false">press-0003</guid>
    <description>The Ambassador visited Edinburgh.</description>
    <enclosure url="images/edinburgh.jpg" length="123456" type="image/jpeg"/>
    <enclosure url="https://cdn.example/files/Statement%2012.pdf" length="0"
               type="application/pdf"/>
    <enclosure url="/video/visit.mp4" length="not known" type="video/mp4"/>
    <enclosure url="https://cdn.example/huge.jpg" length="{5 * MB + 1}" type="image/jpeg"/>
    <enclosure url="https://cdn.example/just-fits.jpg" length="{5 * MB}" type="image/jpeg"/>
    <enclosure url="ftp://cdn.example/old.pdf" type="application/pdf"/>
    <enclosure url="https://cdn.example/map.svg" type="image/svg+xml"/>
    <media:content url="images/edinburgh.jpg#top" medium="image"/>
    <media:content url="https://cdn.example/castle.jpg" medium="image" width="800"
                   height="600" fileSize="2000"/>
    <media:content url="https://cdn.example/interview.mp4" type="video/mp4"/>
    <media:thumbnail url="https://cdn.example/thumb.jpg"/>
  </item>
  <item>
    <title>Statement without pictures</title>
    <link>https://embassy.example/news/2018/statement</link>
    <description>Text only.</description>
  </item>
</channel></rss>""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
  <title>Embassy news</title><id>tag:embassy.example,2018:news</id>
  <entry>
    <title>Consular forms</title><id>tag:embassy.example,2018:news-8</id>
    <link href="https://embassy.example/news/forms"/>
    <link rel="enclosure" href="/files/form.pdf" type="application/pdf" length="999"/>
    <link rel="enclosure" href="pictures/office.png" type="image/png"/>
    <media:content url="https://cdn.example/queue.webp" type="image/webp"/>
    <media:content url="https://cdn.example/logo.svg" medium="image"/>
    <updated>2018-10-16T08:00:00Z</updated>
    <summary>New forms.</summary>
  </entry>
</feed>"""


def test_rss_enclosures_and_media_content_become_attachments() -> None:
    visit, plain = parse_feed(RSS, FEED_URL, DEFAULT_KINDS, NOW)
    assert visit.media == (
        Attachment(PHOTO, url="https://embassy.example/press/images/edinburgh.jpg", size=123456),
        Attachment(
            DOCUMENT,
            url="https://cdn.example/files/Statement%2012.pdf",
            file_name="Statement 12.pdf",
        ),
        Attachment(VIDEO, url="https://embassy.example/video/visit.mp4"),
        # huge.jpg is over the 5 MB Telegram fetches; ftp: is no URL Telegram fetches
        Attachment(PHOTO, url="https://cdn.example/just-fits.jpg", size=5 * MB),
        # map.svg is a document Telegram does not fetch by URL (only PDF, ZIP and GIF)
        # the media:content of edinburgh.jpg is the enclosure again; no video, no thumbnail
        Attachment(PHOTO, url="https://cdn.example/castle.jpg", size=2000, width=800, height=600),
    )
    assert visit.as_item("en").media == visit.media
    assert plain.media == () and plain.as_item("en").media == ()


def test_atom_enclosure_links_and_media_content_become_attachments() -> None:
    [forms] = parse_feed(ATOM, FEED_URL, DEFAULT_KINDS, NOW)
    assert forms.media == (
        Attachment(
            DOCUMENT, url="https://embassy.example/files/form.pdf", file_name="form.pdf", size=999
        ),
        Attachment(PHOTO, url="https://embassy.example/press/pictures/office.png"),
        Attachment(PHOTO, url="https://cdn.example/queue.webp"),
    )  # logo.svg is no photo Telegram shows


def test_a_feed_keeps_one_album_of_each_and_drops_the_rest() -> None:
    photos = "".join(
        f'<enclosure url="https://cdn.example/{n}.jpg" type="image/jpeg"/>' for n in range(12)
    )
    files = "".join(
        f'<enclosure url="https://cdn.example/{n}.pdf" type="application/pdf"/>' for n in range(12)
    )
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        f"<title>Many</title><description>x</description>{photos}{files}</item></channel></rss>"
    ).encode()
    [entry] = parse_feed(feed, FEED_URL, DEFAULT_KINDS, NOW)
    assert [a.url for a in entry.media] == [
        *(f"https://cdn.example/{n}.jpg" for n in range(10)),
        *(f"https://cdn.example/{n}.pdf" for n in range(10)),
    ]


def test_kinds_urls_and_keeping_follow_one_rule() -> None:
    assert kind_of("image/jpeg; q=1", "x") is PHOTO
    assert kind_of("IMAGE/PNG", "x") is PHOTO
    assert kind_of("image/tiff", "x") is DOCUMENT
    assert kind_of("video/quicktime", "x") is VIDEO
    assert kind_of("audio/mpeg", "x") is DOCUMENT
    assert kind_of("", "https://e.example/a.JPG?w=1") is PHOTO
    assert kind_of("", "https://e.example/a.mp4") is VIDEO
    assert kind_of("", "https://e.example/a") is DOCUMENT
    assert web_url("../a.jpg#x", "https://e.example/b/c/") == "https://e.example/b/a.jpg"
    assert web_url("data:image/png;base64,AAAA", PAGE_URL) == ""
    assert web_url("javascript:alert(1)", PAGE_URL) == ""
    assert web_url("a.jpg") == ""  # relative, with nothing to resolve it against
    big_video = Attachment(VIDEO, url="https://e.example/v.mp4", size=20 * MB + 1)
    once = Attachment(PHOTO, url="https://e.example/a.jpg")
    assert keep([once, big_video, Attachment(DOCUMENT, url=once.url), once]) == (once,)


PAGE = b"""<html><body><h2>PRESS RELEASES AND NEWS</h2>
<article>
  <h3><a href="/press/visit">16.10.2018 - Ambassador visits Edinburgh</a>
      <img src="/icons/new.png"></h3>
  <p>The Ambassador visited Edinburgh.</p>
  <figure><img src="images/castle.jpg" width="800"><figcaption>The castle</figcaption></figure>
  <p><img src="https://cdn.example/hall.jpeg"> Read <a href="/files/speech.pdf">the speech</a>,
     <a href="/files/notes.DOCX">the notes</a>, <a href="/press/more">more</a> and
     <a href="/files/photos.zip">the photos</a>.</p>
  <img src="images/castle.jpg">
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
  <img src="https://tracker.example/pixel.gif" width="1" height="1">
  <img src="https://tracker.example/p2.gif" height="0">
  <img src="/icons/flag.svg">
  <img src="/icons/pdf.png" width="16" height="16">
  <img alt="no source">
</article>
<article><h3>15.10.2018 - Statement</h3><p>Text only.</p></article>
</body></html>"""


def test_a_page_articles_images_and_document_links_become_attachments() -> None:
    statement, visit = parse_page(PAGE, PAGE_URL, DEFAULT_KINDS)
    assert visit.media == (
        Attachment(PHOTO, url="https://embassy.example/en/images/castle.jpg"),
        Attachment(PHOTO, url="https://cdn.example/hall.jpeg"),
        Attachment(
            DOCUMENT, url="https://embassy.example/files/speech.pdf", file_name="speech.pdf"
        ),
    )  # not the heading's icon, the copy, data:, the pixels, the 16 px icon, the SVG, a Word
    # file (Telegram fetches only PDF, ZIP and GIF documents by URL), .zip or a page link
    assert visit.body_html.startswith("The Ambassador visited Edinburgh.\n\nThe castle")
    assert statement.media == ()


#: content_hash of this entry, recorded with the code from before entries had media.
HASH_BEFORE_MEDIA = "e312dbed69940a590f4a1118c0d471ec5bd4a372160eeb50023119370cda7bc5"


def test_an_entry_hashes_as_before_entries_had_media() -> None:
    entry = Entry(
        uid="link:https://embassy.example/press/visa-queue",
        kind=ItemKind.EVENT,
        title="Embassy comment on the visa queue",
        body_html="The Embassy <b>regrets</b> the delays.",
        published_at=datetime(2018, 10, 16, 8, 30, tzinfo=UTC),
        link="https://embassy.example/press/visa-queue",
    )
    assert entry.media == () and entry.content_hash == HASH_BEFORE_MEDIA
    # Media stay out of the hash: a feed that gains enclosures corrects no release.
    pictured = replace(entry, media=(Attachment(PHOTO, url="https://e.example/a.jpg"),))
    assert pictured.content_hash == HASH_BEFORE_MEDIA
    assert pictured.as_item("en").media == pictured.media


def items_file(folder: Path, *media: dict[str, str]) -> Path:
    entry = {"kind": "event", "published": "2018-10-15", "title": "Visit", "body": "Text."}
    document = {"format": "pressbot-items/1", "items": [{**entry, "media": list(media)}]}
    path = folder / "items.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_items_file_media_by_url_and_by_path(tmp_path: Path) -> None:
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "statement.pdf").write_bytes(b"%PDF-1.4 statement")
    (tmp_path / "visit.JPG").write_bytes(b"\xff\xd8\xff photo")
    (tmp_path / "clip.mp4").write_bytes(b"video")
    elsewhere = tmp_path / "elsewhere.pdf"
    elsewhere.write_bytes(b"%PDF")
    path = items_file(
        tmp_path,
        {"photo": "https://embassy.example/images/visit.jpg"},
        {"document": " https://embassy.example/files/a%20b.pdf ", "name": "Statement.pdf"},
        {"document": "https://embassy.example/files/a%20b.pdf"},
        {"photo": "visit.JPG"},
        {"video": "./clip.mp4"},
        {"document": "files/statement.pdf"},
        {"document": "files/../files/statement.pdf", "name": "Заявление.pdf"},
        {"document": str(elsewhere)},
    )
    [item], _ = read_items_file(path)
    assert item.media == (
        Attachment(PHOTO, url="https://embassy.example/images/visit.jpg"),
        Attachment(
            DOCUMENT, url="https://embassy.example/files/a%20b.pdf", file_name="Statement.pdf"
        ),
        Attachment(DOCUMENT, url="https://embassy.example/files/a%20b.pdf", file_name="a b.pdf"),
        Attachment(PHOTO, path=str(tmp_path / "visit.JPG"), size=9),
        Attachment(VIDEO, path=str(tmp_path / "clip.mp4"), size=5),
        Attachment(
            DOCUMENT,
            path=str(tmp_path / "files" / "statement.pdf"),
            file_name="statement.pdf",
            size=18,
        ),
        Attachment(
            DOCUMENT,
            path=str(tmp_path / "files" / "statement.pdf"),
            file_name="Заявление.pdf",
            size=18,
        ),
        Attachment(DOCUMENT, path=str(elsewhere), file_name="elsewhere.pdf", size=4),
    )
    assert all(Path(a.path).is_absolute() for a in item.media if a.path)


def test_a_relative_items_file_path_gives_absolute_media_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "visit.png").write_bytes(b"png")
    items_file(tmp_path, {"photo": "visit.png"})
    monkeypatch.chdir(tmp_path)
    [item], _ = read_items_file(Path("items.json"))
    assert item.media == (Attachment(PHOTO, path=str(tmp_path / "visit.png"), size=3),)


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as out:
        out.truncate(size)
    return path


@pytest.mark.parametrize(
    ("media", "files", "message"),
    [
        (
            {"photo": "missing.jpg"},
            {},
            "items.0.media.0.photo: {tmp}/missing.jpg: no such file",
        ),
        (
            {"photo": "big.jpg"},
            {"big.jpg": 10 * MB + 1},
            "items.0.media.0.photo: {tmp}/big.jpg: too large: 10.1 MB;"
            " Telegram takes photos of up to 10 MB",
        ),
        (
            {"document": "big.pdf"},
            {"big.pdf": 50 * MB + 1},
            "items.0.media.0.document: {tmp}/big.pdf: too large: 50.1 MB;"
            " Telegram takes documents of up to 50 MB",
        ),
        (
            {"photo": "map.svg"},
            {"map.svg": 10},
            "items.0.media.0.photo: {tmp}/map.svg: a photo must be a .jpg, .jpeg, .png, .gif"
            " or .webp file",
        ),
        (
            {"document": "empty.pdf"},
            {"empty.pdf": 0},
            "items.0.media.0.document: {tmp}/empty.pdf: the file is empty",
        ),
        ({"video": "."}, {}, "items.0.media.0.video: {tmp}: not a regular file"),
        (
            {"document": "ftp://embassy.example/a.pdf"},
            {},
            "items.0.media.0.document: ftp://embassy.example/a.pdf:"
            " not an http:// or https:// URL",
        ),
        (
            {"photo": "https://e.example/a.jpg", "document": "a.pdf"},
            {},
            'items.0.media.0: Value error, needs one of "photo", "video" or "document",'
            " and only one",
        ),
        ({"name": "a.pdf"}, {}, "items.0.media.0: Value error, needs one of"),
        (
            {"photo": "https://e.example/a.jpg", "name": "a.jpg"},
            {},
            'items.0.media.0: Value error, "name" is for a document only',
        ),
        ({"document": " "}, {}, "items.0.media.0.document: Value error, must not be blank"),
        ({"audio": "a.mp3"}, {}, "items.0.media.0.audio: Extra inputs are not permitted"),
    ],
)
async def test_a_bad_media_entry_is_refused_and_nothing_is_imported(
    empty_database: Database,
    tmp_path: Path,
    media: dict[str, str],
    files: dict[str, int],
    message: str,
) -> None:
    for name, size in files.items():
        sparse(tmp_path / name, size)
    (tmp_path / "fine.jpg").write_bytes(b"jpeg")
    path = items_file(tmp_path, {"photo": "fine.jpg"}, media)
    expected = f"{path}: " + message.format(tmp=tmp_path).replace(".0.media.0", ".0.media.1")
    with pytest.raises(ItemsFileError) as caught:
        await import_items_file(empty_database, path, PAGE_TIME)
    assert str(caught.value).startswith(expected), caught.value
    assert len(str(caught.value).splitlines()) == 1
    assert await empty_database.items.count() == 0


def test_an_item_takes_ten_photos_and_videos_and_ten_documents(tmp_path: Path) -> None:
    photos = [{"photo": f"https://e.example/{n}.jpg"} for n in range(9)]
    files = [{"document": f"https://e.example/{n}.pdf"} for n in range(10)]
    [item], _ = read_items_file(
        items_file(tmp_path, *photos, {"video": "https://e.example/v"}, *files)
    )
    assert [a.kind for a in item.media] == [PHOTO] * 9 + [VIDEO] + [DOCUMENT] * 10
    for many in (
        [*photos, {"video": "https://e.example/v"}, {"photo": "https://e.example/x.jpg"}],
        [*files, {"document": "https://e.example/x.pdf"}],
    ):
        path = items_file(tmp_path, *many)
        with pytest.raises(ItemsFileError) as caught:
            read_items_file(path)
        assert str(caught.value) == (
            f"{path}: items.0.media: Value error, at most 10 photos and videos"
            " and 10 documents an item"
        )


@pytest.fixture
def seed_with_media(tmp_path: Path) -> Path:
    """The seed page's items file, its newest event with a photo beside it and two links."""
    document = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    document["items"][0]["media"] = [
        {"photo": "photos/bellingcat-reply.jpg"},
        {"photo": "https://www.rusemb.org.uk/data/photo/2018-10-15.jpg"},
        {"document": "https://www.rusemb.org.uk/data/doc/reply.pdf", "name": "Reply.pdf"},
    ]
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "bellingcat-reply.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    path = tmp_path / "press_page_with_media.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


async def test_a_seed_like_file_with_media_is_imported_whole(
    empty_database: Database, tmp_path: Path, seed_with_media: Path
) -> None:
    items, _ = read_items_file(seed_with_media)
    seed, _ = read_items_file(SEED_FILE)
    assert [i.uid for i in items] == [i.uid for i in seed]
    *older, newest = items
    assert newest.title.startswith("Embassy Press Officer’s reply to a media question")
    assert newest.media == (
        Attachment(PHOTO, path=str(tmp_path / "photos" / "bellingcat-reply.jpg"), size=9),
        Attachment(PHOTO, url="https://www.rusemb.org.uk/data/photo/2018-10-15.jpg"),
        Attachment(
            DOCUMENT, url="https://www.rusemb.org.uk/data/doc/reply.pdf", file_name="Reply.pdf"
        ),
    )
    assert all(item.media == () for item in older)
    report = await import_items_file(empty_database, seed_with_media, PAGE_TIME)
    assert (report.items_in_file, report.items_added) == (11, 11)
