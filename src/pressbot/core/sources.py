"""What a website source is: a feed, or a page without one. Stored by value ("feed", "page").

A source is written in one language: what it brings is an item in that language.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from pressbot.core.languages import ENGLISH


class SourceKind(enum.StrEnum):
    """How a website source was configured: PRESSBOT_FEED_URLS or PRESSBOT_PAGE_URLS.

    Polling reads a body as what it turns out to be; the kind only words the error when a
    source is not what it was said to be, and names it in /sources.
    """

    FEED = "feed"  # RSS 2.0 or Atom
    PAGE = "page"  # a listing page of dated releases


@dataclass(frozen=True, slots=True)
class SourceUrl:
    """A configured source's URL and the language it writes in ("ru=https://…" in the
    settings; a URL alone is English)."""

    url: str
    language: str = ENGLISH
