"""The things pressbot talks about: frozen dataclasses and enums, no I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class ItemKind(enum.StrEnum):
    """What sort of publication an item is."""

    PRESS_RELEASE = "press_release"
    STATEMENT = "statement"
    EVENT = "event"
    CONSULAR_ALERT = "consular_alert"

    @property
    def label(self) -> str:
        """The name a reader sees."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    ItemKind.PRESS_RELEASE: "Press release",
    ItemKind.STATEMENT: "Statement",
    ItemKind.EVENT: "Event",
    ItemKind.CONSULAR_ALERT: "Consular alert",
}


@dataclass(frozen=True, slots=True)
class NewItem:
    """An item before storage gives it an id; `body_html` is Telegram-safe HTML."""

    uid: str
    kind: ItemKind
    title: str
    body_html: str
    published_at: datetime
    source: str


@dataclass(frozen=True, slots=True)
class Item:
    """A stored publication: a press release, a statement, an event."""

    id: int
    uid: str
    kind: ItemKind
    title: str
    body_html: str
    published_at: datetime
    source: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ItemHeadline:
    """What a list of items shows of each: enough for one line."""

    id: int
    kind: ItemKind
    title: str
    published_at: datetime


@dataclass(frozen=True, slots=True)
class ItemPage:
    """One page of a newest-first list, and whether there are more on either side."""

    headlines: tuple[ItemHeadline, ...]
    offset: int
    limit: int
    total: int

    @property
    def has_newer(self) -> bool:
        """True when items newer than this page exist."""
        return self.offset > 0

    @property
    def has_older(self) -> bool:
        """True when items older than this page exist."""
        return self.offset + len(self.headlines) < self.total


@dataclass(frozen=True, slots=True)
class Contact:
    """A way to reach the embassy, such as consular queries."""

    label: str
    phone: str
    email: str


class ChatType(enum.StrEnum):
    """Telegram's chat types."""

    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A chat that gets new releases while it is active."""

    chat_id: int
    chat_type: ChatType
    active: bool
    subscribed_at: datetime
    language_code: str | None


class SubscriptionChange(enum.Enum):
    """What a subscribe or unsubscribe request did."""

    SUBSCRIBED = "subscribed"
    ALREADY_SUBSCRIBED = "already_subscribed"
    UNSUBSCRIBED = "unsubscribed"
    NOT_SUBSCRIBED = "not_subscribed"
