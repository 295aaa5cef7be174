"""Listing pages without a feed -> entries, in the shape of the embassy's press page.

The page has sections, each under an <h2> heading ("PRESS RELEASES AND NEWS", "LATEST
EVENTS"); each release in a section is an <article> whose heading reads "15.10.2018 - title"
(or whose date stands alone above the heading), followed by its full text. The heading's link,
when there is one, is the entry's source link. The section's heading names the kind.
"""

from __future__ import annotations

import re
from datetime import date

from bs4 import BeautifulSoup, Tag

from pressbot.core.clock import embassy_midnight
from pressbot.core.media import Attachment, MediaKind
from pressbot.ingest.entries import Entry, SourceError, entry_uid
from pressbot.ingest.items_file import is_publishable
from pressbot.ingest.kind_map import KindMap, kind_for
from pressbot.ingest.media import (
    PAGE_DOCUMENT_SUFFIXES,
    keep,
    shows_as_photo,
    url_suffix,
    web_attachment,
    web_url,
)
from pressbot.ingest.sanitizing import safe_link, sanitize_element

# Matched against an element's text (never against markup): "15.10.2018 - title".
_DATED_TITLE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\s*[-–—]\s*(.+)$", re.DOTALL)
_DATE_ONLY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_TITLE_TAGS = ("h3", "h4", "h5")
_PIXEL_SIZE = re.compile(r"\s*([0-9]{1,5})\s*(px)?\s*", re.IGNORECASE)  # a declared size
#: Images declared smaller than this (pixels, either side) are icons or trackers, no photos.
ICON_SIZE = 48


def parse_page(body: bytes, url: str, kinds: KindMap) -> list[Entry]:
    """Every dated release on the page; raise SourceError when there is none."""
    soup = BeautifulSoup(body, "html.parser")
    entries: dict[str, Entry] = {}
    for article in soup.find_all("article"):
        heading = article.find_previous(["h1", "h2"])
        section = " ".join(heading.get_text(" ").split()) if isinstance(heading, Tag) else ""
        entry = _entry(article, section, url, kinds)
        if entry is not None:
            entries.setdefault(entry.uid, entry)
    if not entries:
        raise SourceError("no dated releases found on the page")
    # Oldest first, as they were published; a page lists the newest first (also within a day).
    ordered = list(entries.values())[::-1]
    ordered.sort(key=lambda entry: entry.published_at)  # stable: same-day order is kept
    return ordered


def _entry(article: Tag, section: str, url: str, kinds: KindMap) -> Entry | None:
    heading = article.find(_TITLE_TAGS)
    if not isinstance(heading, Tag):
        return None
    text = " ".join(heading.get_text(" ").split())
    dated = _DATED_TITLE.match(text)
    date_element: Tag | None = None
    if dated:
        day, title = _date(dated), dated.group(4).strip()
    else:
        date_element = _date_element(article)
        if date_element is None:
            return None
        day, title = _date_of(date_element), text
    if day is None or not title:
        return None
    anchor = heading.find("a", href=True)
    link = safe_link(str(anchor["href"]), url) if isinstance(anchor, Tag) else ""
    heading.extract()  # what is left of the article is its text
    if date_element is not None:
        date_element.extract()
    body = sanitize_element(article, url)
    if not body:
        return None
    return Entry(
        uid=entry_uid(url, None, link, day, title),
        kind=kind_for([section], kinds),
        title=title,
        body_html=body,
        published_at=embassy_midnight(day),
        link=link,
        media=_media(article, url),
    )


def _media(article: Tag, url: str) -> tuple[Attachment, ...]:
    """The article's images (in <figure>s or not) as photos, and its links to PDF files as
    documents: absolute http(s) URLs; tracking pixels, icons and data: URIs left out."""
    found: list[Attachment] = []
    for element in article.find_all(["img", "a"]):
        if element.name == "img":
            src = web_url(str(element.get("src") or ""), url)
            if src and shows_as_photo("", src) and not _pixel(element):
                found.append(web_attachment(MediaKind.PHOTO, src))
        elif (href := web_url(str(element.get("href") or ""), url)) and (
            url_suffix(href) in PAGE_DOCUMENT_SUFFIXES
        ):
            found.append(web_attachment(MediaKind.DOCUMENT, href))
    return keep(found)


def _pixel(image: Tag) -> bool:
    """A tracking pixel or an icon: declared under ICON_SIZE pixels wide or high."""
    for side in ("width", "height"):
        found = _PIXEL_SIZE.fullmatch(str(image.get(side) or ""))
        if found and int(found.group(1)) < ICON_SIZE:
            return True
    return False


def _date_element(article: Tag) -> Tag | None:
    for element in article.find_all(["time", "p", "span", "div"]):
        if _DATE_ONLY.match(element.get_text().strip()):
            return element
    return None


def _date_of(element: Tag) -> date | None:
    found = _DATE_ONLY.match(element.get_text().strip())
    return _date(found) if found else None


def _date(found: re.Match[str]) -> date | None:
    try:
        day = date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
    except ValueError:  # 31.02.2018: not a date, so not a release
        return None
    return day if is_publishable(embassy_midnight(day)) else None
