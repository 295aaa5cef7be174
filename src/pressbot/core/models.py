"""The things pressbot talks about: frozen dataclasses and enums, no I/O."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from pressbot.core.languages import ENGLISH, written_in
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
class Version:
    """An item's words in one language: its title and its Telegram-safe HTML text."""

    language: str
    title: str
    body_html: str
    revision: int = 0  # corrections of this version since it was published

    def rewrites(self, stored: Version | None) -> bool:
        """Whether this version, written anew, changes `stored` (or adds a language)."""
        return stored is None or (stored.title, stored.body_html) != (self.title, self.body_html)

    def revised_from(self, stored: Version | None) -> Version:
        """This version as stored once a correction is made: one revision more than
        `stored` when it rewrites it, none when it is new."""
        if stored is None:
            return replace(self, revision=0)
        return replace(self, revision=stored.revision + int(self.rewrites(stored)))


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
    language: str = ENGLISH  # the language of title and body_html
    translations: tuple[Version, ...] = ()  # the same item in other languages


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
    language: str = ENGLISH  # the language of title and body_html (and of revision)
    translations: tuple[Version, ...] = ()  # the same item in other languages

    @property
    def revised(self) -> bool:
        """True when the item's version shown was corrected after it was published."""
        return self.revision > 0

    @property
    def versions(self) -> tuple[Version, ...]:
        """Every version of the item: its own language first, then the translations."""
        own = Version(self.language, self.title, self.body_html, self.revision)
        return (own, *(v for v in self.translations if v.language != self.language))

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the item is written in, its own first."""
        return tuple(version.language for version in self.versions)

    def version_for(self, language: str) -> Version:
        """The version a reader of `language` gets: theirs, else the item's own."""
        for version in self.versions:
            if version.language == language:
                return version
        return self.versions[0]

    def in_language(self, language: str) -> Item:
        """The item as a reader of `language` sees it: title, text and revision of the
        version in their language (else the item's own), all versions still known."""
        chosen = self.version_for(language)
        if chosen.language == self.language:
            return self
        return self.with_versions(
            (chosen, *(v for v in self.versions if v.language != chosen.language))
        )

    def with_versions(self, versions: Sequence[Version]) -> Item:
        """The item with these versions, the first its own (title, text, revision)."""
        own, *others = versions
        return replace(
            self,
            title=own.title,
            body_html=own.body_html,
            revision=own.revision,
            language=own.language,
            translations=tuple(others),
        )


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
    #: The label in other languages ({"ru": "Консульские вопросы"}); the label is English.
    translations: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def label_in(self, language: str) -> str:
        """The label a reader of `language` sees: theirs, else the English one."""
        return self.translations.get(language, self.label)


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
    #: The language of the version being written (title, body_html); None for a release's
    #: first version until its text is done, when its letters tell (core/languages.py).
    language: str | None = None
    #: The versions finished so far, the release's own language first (a correction: the
    #: item's, replaced one by one as the admin rewrites them).
    versions: tuple[Version, ...] = ()

    @property
    def writing(self) -> str:
        """The language of the version being written: chosen, else told by its letters."""
        return self.language or written_in(f"{self.title} {self.body_html}")

    @property
    def finished(self) -> tuple[Version, ...]:
        """Every version as it stands: those finished, and the one being written once it
        has a text (it replaces the finished one in its language)."""
        if not self.body_html.strip():
            return self.versions
        current = Version(self.writing, self.title, self.body_html)
        return self.with_version(current).versions

    @property
    def kept(self) -> Version | None:
        """The finished version in the language being written: what /skip keeps."""
        return next((v for v in self.versions if v.language == self.writing), None)

    def with_version(self, version: Version) -> Draft:
        """The draft with `version` finished: it replaces the one in its language."""
        languages = [v.language for v in self.versions]
        if version.language in languages:
            index = languages.index(version.language)
            versions = (*self.versions[:index], version, *self.versions[index + 1 :])
        else:
            versions = (*self.versions, version)
        return replace(self, versions=versions)

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
            language=item.language,
            versions=item.versions,
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
