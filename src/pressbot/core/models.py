"""The things pressbot talks about: frozen dataclasses and enums, no I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from pressbot.core.media import Attachment, MediaKind


class ItemKind(enum.StrEnum):
    """The built-in kinds of item; PRESSBOT_EXTRA_KINDS adds more (see kinds.py).

    Items, drafts and topics hold a kind by its name (`Kind`), built-in or configured.
    """

    PRESS_RELEASE = "press_release"
    STATEMENT = "statement"
    EVENT = "event"
    CONSULAR_ALERT = "consular_alert"


#: A kind's name: one of ItemKind's values or a configured kind's ("interview").
Kind = str


@dataclass(frozen=True, slots=True)
class NewItem:
    """An item before storage gives it an id; `body_html` is Telegram-safe HTML."""

    uid: str
    kind: Kind
    title: str
    body_html: str
    published_at: datetime
    source: str
    urgent: bool = False  # ignores quiet hours
    media: tuple[Attachment, ...] = ()  # photos, videos and documents, in order


class ItemStatus(enum.StrEnum):
    """Where an item is in its life."""

    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class Item:
    """A stored publication: a press release, a statement, an event."""

    id: int
    uid: str
    kind: Kind
    title: str
    body_html: str
    published_at: datetime
    source: str
    created_at: datetime
    updated_at: datetime
    status: ItemStatus = ItemStatus.PUBLISHED
    publish_at: datetime | None = None
    revision: int = 0
    urgent: bool = False
    media: tuple[Attachment, ...] = ()  # photos, videos and documents, in order

    @property
    def revised(self) -> bool:
        """True when the item was corrected after it was published."""
        return self.revision > 0


@dataclass(frozen=True, slots=True)
class ItemHeadline:
    """What a list of items shows of each: enough for one line."""

    id: int
    kind: Kind
    title: str
    published_at: datetime
    media: tuple[MediaKind, ...] = ()  # the kinds of what it carries, for a list's marks


@dataclass(frozen=True, slots=True)
class ItemPage:
    """One page of a newest-first list, and whether there are more on either side."""

    headlines: tuple[ItemHeadline, ...]
    offset: int
    limit: int
    more: bool  # older items exist beyond this page

    @property
    def has_newer(self) -> bool:
        """True when items newer than this page exist."""
        return self.offset > 0

    @property
    def has_older(self) -> bool:
        """True when items older than this page exist."""
        return self.more


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


class DraftStage(enum.StrEnum):
    """The step of /post or /edit an admin is at."""

    TITLE = "title"
    BODY = "body"
    KIND = "kind"
    PREVIEW = "preview"
    SCHEDULE = "schedule"


@dataclass(frozen=True, slots=True)
class Draft:
    """An admin's release in the making; stored at every step, so it survives restarts."""

    admin_id: int
    chat_id: int
    stage: DraftStage
    item_id: int | None  # set when the draft corrects an existing item (/edit)
    title: str
    body_html: str
    kind: Kind | None
    urgent: bool = False
    media: tuple[Attachment, ...] = ()  # what the admin attached, in the order sent

    @classmethod
    def new_release(cls, admin_id: int) -> Draft:
        """A /post draft in the admin's private chat: nothing written yet, its title asked."""
        return cls(
            admin_id=admin_id,
            chat_id=admin_id,
            stage=DraftStage.TITLE,
            item_id=None,
            title="",
            body_html="",
            kind=None,
        )

    @classmethod
    def correction(cls, admin_id: int, item: Item) -> Draft:
        """An /edit draft of a published item: its title and kind kept until changed, a new
        title asked (an empty text means the item's own, kept with /skip)."""
        return cls(
            admin_id=admin_id,
            chat_id=admin_id,
            stage=DraftStage.TITLE,
            item_id=item.id,
            title=item.title,
            body_html="",
            kind=item.kind,
            media=item.media,
        )


class BroadcastAction(enum.StrEnum):
    """What a broadcast does to subscribers' chats."""

    SEND = "send"
    EDIT = "edit"
    WITHDRAW = "withdraw"


class DeliveryStatus(enum.StrEnum):
    """Where one delivery of a broadcast is."""

    PENDING = "pending"
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class BroadcastProgress:
    """Counts of one broadcast's deliveries, for the progress message and /stats."""

    broadcast_id: int
    item_id: int
    action: BroadcastAction
    total: int
    sent: int
    blocked: int
    failed: int
    progress_chat_id: int | None
    progress_message_id: int | None
    finished: bool
    created_at: datetime
    channels_sent: int = 0

    @property
    def done(self) -> int:
        """Deliveries that will not be tried again."""
        return self.sent + self.blocked + self.failed

    @property
    def pending(self) -> int:
        """Deliveries still to be tried."""
        return self.total - self.done
