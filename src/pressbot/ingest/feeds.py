"""RSS 2.0 and Atom feeds -> entries, with feedparser."""

from __future__ import annotations

import calendar
import io
import re
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from pressbot.core.media import Attachment, MediaKind
from pressbot.ingest.entries import Entry, SourceError, entry_uid
from pressbot.ingest.items_file import is_publishable
from pressbot.ingest.kind_map import KindMap, kind_for
from pressbot.ingest.media import (
    fetchable_document,
    keep,
    kind_of,
    positive_int,
    shows_as_photo,
    web_attachment,
    web_url,
)
from pressbot.ingest.sanitizing import safe_link, sanitize_html
from pressbot.texts.markup import escape, html_to_plain, plain_text_to_html

# Minor complaints (a declared encoding overridden, a text/plain content type) are not errors.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


#: Root elements of RSS 2.0 (and 0.9x), Atom, and RSS 1.0 (rdf:RDF), by their local name.
FEED_ROOTS = frozenset({"rss", "feed", "RDF"})
_TAG_NAME = re.compile(r"[^\s/>]*")  # the name of a tag just opened, prefix and all


def root_element(body: bytes) -> str:
    """The local name of a document's first element, past comments, PIs and a DOCTYPE.

    What tells a feed from a page, whatever the server calls it (application/xml, text/xml,
    text/html) and whether or not it opens with an XML declaration; "" when there is none.
    """
    text = _head_text(body)
    position = 0
    while (start := text.find("<", position)) != -1:
        if text.startswith("<!--", start):
            position = _past(text, "-->", start)
        elif text.startswith("<?", start):
            position = _past(text, "?>", start)
        elif text.startswith("<!", start):  # <!DOCTYPE …>, with an internal subset or not
            bracket, close = text.find("[", start), text.find(">", start)
            inner = bracket != -1 and (close == -1 or bracket < close)
            position = _past(text, "]>", bracket) if inner else _past(text, ">", start)
        else:
            tag = _TAG_NAME.match(text, start + 1)
            return tag.group().rpartition(":")[2] if tag else ""
    return ""


def is_feed(body: bytes) -> bool:
    """Whether a body is an RSS or Atom feed (rather than an HTML page), by its root element."""
    return root_element(body) in FEED_ROOTS


def is_xml(body: bytes) -> bool:
    """Whether a body opens with an XML declaration (after a byte order mark or spaces)."""
    return _head_text(body[:1024]).lstrip("\ufeff\xef\xbb\xbf \t\r\n").startswith("<?xml")


def _head_text(body: bytes) -> str:
    """The first 64 kB as text: markup names are ASCII in UTF-8, Latin-1 and the like."""
    head = body[: 64 * 1024]
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(encoding, "replace")
    return head.decode("latin-1")


def _past(text: str, end: str, start: int) -> int:
    found = text.find(end, start)
    return len(text) if found == -1 else found + len(end)


def parse_feed(body: bytes, url: str, kinds: KindMap, now: datetime) -> list[Entry]:
    """Parse a feed's bytes; raise SourceError for malformed XML or what is no feed at all."""
    parsed: Any = feedparser.parse(
        io.BytesIO(body),  # bytes in a stream: feedparser never fetches anything itself
        response_headers={"content-location": url, "content-type": "application/xml"},
        sanitize_html=False,  # sanitize_html below keeps only what Telegram shows
    )
    if parsed.bozo and not isinstance(parsed.bozo_exception, _HARMLESS):
        raise SourceError(f"malformed feed: {_describe(parsed.bozo_exception)}")
    if not parsed.version:
        raise SourceError("not an RSS or Atom feed")
    entries = [_entry(raw, url, kinds, now) for raw in parsed.entries]
    return [entry for entry in entries if entry is not None]


def _describe(error: object) -> str:
    message = getattr(error, "getMessage", None)
    text = message() if callable(message) else str(error)
    line = getattr(error, "getLineNumber", None)
    return f"{text} (line {line()})" if callable(line) else str(text)


def _entry(raw: Any, url: str, kinds: KindMap, now: datetime) -> Entry | None:
    title = " ".join(str(raw.get("title", "")).split())
    body = _body(raw, url)
    if not title and not body:
        return None
    dated = _instant(raw.get("published_parsed") or raw.get("updated_parsed"))
    link = safe_link(str(raw.get("link", "")), url)
    categories = [str(tag.get("term", "")) for tag in raw.get("tags", [])]
    title = title or _first_words(body)
    return Entry(
        uid=entry_uid(url, raw.get("id"), link, dated, title),
        kind=kind_for(categories, kinds),
        title=title,
        body_html=body or escape(title),
        published_at=dated or now,  # undated: as of when it was first seen
        link=link,
        media=_media(raw, url),
    )


def _media(raw: Any, url: str) -> tuple[Attachment, ...]:
    """An entry's enclosures, then its media:content images (never media:thumbnail), as
    http(s) URLs for Telegram to fetch; relative ones are resolved against the feed's URL,
    as its text's links are (feedparser has done so for Atom's, honouring xml:base)."""
    found: list[Attachment] = []
    for enclosure in raw.get("enclosures", []):
        href = web_url(str(enclosure.get("href") or ""), url)
        mime = str(enclosure.get("type") or "")
        kind = kind_of(mime, href)
        if href and (kind is not MediaKind.DOCUMENT or fetchable_document(mime, href)):
            found.append(web_attachment(kind, href, size=positive_int(enclosure.get("length"))))
    for content in raw.get("media_content", []):
        href = web_url(str(content.get("url") or ""), url)
        mime = str(content.get("type") or "").strip().lower()
        image = str(content.get("medium") or "").lower() == "image" or mime.startswith("image/")
        if href and image and shows_as_photo(mime, href):
            found.append(
                web_attachment(
                    MediaKind.PHOTO,
                    href,
                    size=positive_int(content.get("filesize")),
                    width=positive_int(content.get("width")),
                    height=positive_int(content.get("height")),
                )
            )
    return keep(found)


def _body(raw: Any, url: str) -> str:
    """The fullest text an entry has: content over summary; HTML sanitized, text escaped."""
    candidates = [*raw.get("content", []), raw.get("summary_detail")]
    for detail in candidates:
        if not detail or not str(detail.get("value", "")).strip():
            continue
        value = str(detail["value"])
        base = str(detail.get("base") or url)
        if "html" in str(detail.get("type", "")):
            return sanitize_html(value, base)
        return plain_text_to_html(value)
    return ""


def _instant(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's dates are UTC struct_times."""
    if parsed is None:
        return None
    try:
        moment = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment if is_publishable(moment) else None  # year 9999: as good as undated


def _first_words(body_html: str) -> str:
    words = html_to_plain(body_html).split()
    return " ".join(words[:12]) or "Untitled"
