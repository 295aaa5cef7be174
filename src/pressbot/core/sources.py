"""What a website source is: a feed, or a page without one. Stored by value ("feed", "page")."""

from __future__ import annotations

import enum


class SourceKind(enum.StrEnum):
    """How a website source was configured: PRESSBOT_FEED_URLS or PRESSBOT_PAGE_URLS.

    Polling reads a body as what it turns out to be; the kind only words the error when a
    source is not what it was said to be, and names it in /sources.
    """

    FEED = "feed"  # RSS 2.0 or Atom
    PAGE = "page"  # a listing page of dated releases
