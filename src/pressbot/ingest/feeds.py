"""RSS 2.0 and Atom feeds -> entries, with feedparser."""

from __future__ import annotations

import calendar
import io
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from pressbot.ingest.entries import Entry, SourceError, entry_uid
from pressbot.ingest.kinds import KindMap, kind_for
from pressbot.ingest.sanitizing import safe_link, sanitize_html
from pressbot.rendering import escape, html_to_plain, plain_text_to_html

# Minor complaints (a declared encoding overridden, a text/plain content type) are not errors.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    """Whether a body is a feed rather than an HTML page (for `pressbot import-url`)."""
    if "rss" in content_type or "atom" in content_type:
        return True
    head = body[:1024].lstrip().lower()
    return head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed")


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
    )


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
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def _first_words(body_html: str) -> str:
    words = html_to_plain(body_html).split()
    return " ".join(words[:12]) or "Untitled"
