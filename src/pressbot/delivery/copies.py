"""How one copy of a release is built from its words and media: which messages, in what order.

A release without media is one text message. With one photo, video or document whose words fit
a caption (1,024 characters after entities), it is that one message, the words as its caption.
Otherwise the media go first, photos and videos as one album and documents as another (a single
file as a single message), and the words follow in their own message with the button.

A copy's `shape` ("photo,photo;document|text", "photo|caption", "" for text alone) is stored
with it: a correction edits a copy in place when the shape stays (editMessageText or
editMessageCaption for the words, editMessageMedia for each file), and sends a new copy in
place of the old one when it changed.

Pure: an item and a translator in, prepared requests out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pressbot.core.media import CAPTION_LIMIT, Attachment, groups
from pressbot.core.models import Item
from pressbot.delivery.sender import PreparedRequest
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import html_to_plain
from pressbot.texts.reader import release_keyboard, render_release, render_withdrawn

TEXT: Final = "text"
CAPTION: Final = "caption"
#: Shorter and shorter openings for a caption that must hold a corrected release's words.
_CAPTION_OPENINGS: Final = (600, 300, 120, 0)


def caption_length(html: str) -> int:
    """A text's length as Telegram counts it against the caption limit: UTF-16 code units of
    what a reader sees, tags dropped and surrounding spaces trimmed."""
    plain = html_to_plain(html).strip()
    return len(plain.encode("utf-16-le")) // 2


def fits_caption(html: str) -> bool:
    """True when the text can be a caption."""
    return caption_length(html) <= CAPTION_LIMIT


def caption_release(item: Item, tr: Translator) -> str:
    """The release's words for a caption: its opening shortened as far as it must be."""
    for limit in _CAPTION_OPENINGS:
        text = render_release(item, tr, opening_limit=limit)
        if fits_caption(text):
            return text
    return text  # a title alone is at most 300 characters: not reached


@dataclass(frozen=True, slots=True)
class Step:
    """One request of a copy: its method and parameters, and the local files it uploads
    (form field name → path) while an attachment is not yet on Telegram."""

    method: str
    params: Mapping[str, Any]
    positions: tuple[int, ...]  # the item's attachments it sends, in the order of its messages
    files: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)  # the name readers see of each file
    request: PreparedRequest = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "request", PreparedRequest(self.method, self.params))

    @property
    def messages(self) -> int:
        """How many messages it makes (an album of N makes N)."""
        return max(1, len(self.positions))

    @property
    def unresolved(self) -> tuple[int, ...]:
        """The attachments it sends that are not on Telegram yet, by position: those it names
        by URL or uploads (an attach:// name, or a single upload's own form field)."""
        media = self.params.get("media")
        if isinstance(media, list):
            names = [m.get("media") for m in media if isinstance(m, dict)]
        elif isinstance(media, dict):
            names = [media.get("media")]
        else:
            names = [
                self.params.get(f) for f in ("photo", "video", "document") if f in self.params
            ]
        return tuple(
            position
            for position, name in zip(self.positions, names or [None], strict=False)
            if name is None or "://" in str(name)
        )


@dataclass(frozen=True, slots=True)
class CopyPlan:
    """A copy's requests: the media messages, the words, their edits and their withdrawal."""

    shape: str
    media_steps: tuple[Step, ...]
    words: Step  # the message that holds the words and the button
    edit_media: tuple[Step, ...]  # one editMessageMedia per media message, in order
    # The words corrected, or replaced by the withdrawal notice, in a text message or in a
    # caption: a copy's words are where its shape put them when it was sent.
    edit_text: PreparedRequest
    edit_caption: PreparedRequest
    withdrawn_text: PreparedRequest
    withdrawn_caption: PreparedRequest
    unresolved: bool  # some attachment is not on Telegram yet (a URL, a local file)

    @property
    def holder(self) -> str:
        """Which message holds the words: a text message, or the one file's caption."""
        return self.shape.rpartition("|")[2] or TEXT

    def messages(self, media_sent: int) -> int:
        """Messages a copy still makes when `media_sent` of its media messages went already."""
        left = sum(step.messages for step in self.media_steps) - media_sent
        return max(0, left) + 1


def _reference(attachment: Attachment, upload_as: str) -> tuple[str, dict[str, str]]:
    """What a request names the file by, and the upload it needs: (reference, files)."""
    if attachment.file_id is not None:
        return attachment.file_id, {}
    if attachment.url is not None:
        return attachment.url, {}
    assert attachment.path is not None  # noqa: S101 - an attachment has one of the three
    return f"attach://{upload_as}", {upload_as: attachment.path}


def _names(attachment: Attachment, files: Mapping[str, str]) -> dict[str, str]:
    """The name each upload is given: the attachment's own (an items file's "name")."""
    if attachment.file_name is None:
        return {}
    return dict.fromkeys(files, attachment.file_name)


def _input_media(
    attachment: Attachment, upload_as: str, **extra: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    reference, files = _reference(attachment, upload_as)
    return {"type": attachment.kind.value, "media": reference, **extra}, files


def _single(attachment: Attachment, position: int, extra: Mapping[str, Any]) -> Step:
    kind = attachment.kind.value
    reference, files = _reference(attachment, kind)
    if files:  # a single upload is the form field itself, not an attach:// name
        names = _names(attachment, files)
        return Step(f"send{kind.title()}", dict(extra), (position,), files, names)
    return Step(f"send{kind.title()}", {kind: reference, **extra}, (position,))


def _album(members: Sequence[tuple[int, Attachment]], extra: Mapping[str, Any]) -> Step:
    media: list[dict[str, Any]] = []
    files: dict[str, str] = {}
    names: dict[str, str] = {}
    for index, (_, attachment) in enumerate(members):
        item, upload = _input_media(attachment, f"file{index}")
        media.append(item)
        files.update(upload)
        names.update(_names(attachment, upload))
    positions = tuple(position for position, _ in members)
    return Step("sendMediaGroup", {"media": media, **extra}, positions, files, names)


def _shape(parts: Sequence[Sequence[Attachment]], holder: str) -> str:
    if not parts:
        return ""
    return ";".join(",".join(a.kind.value for a in part) for part in parts) + f"|{holder}"


def _position(media: Sequence[Attachment], attachment: Attachment) -> int:
    return next(p for p, a in enumerate(media) if a is attachment)


def media_steps(media: Sequence[Attachment], new_message: Mapping[str, Any]) -> tuple[Step, ...]:
    """The requests that send these media without words: an album for several photos and
    videos, another for several documents, a single message for one."""
    steps = []
    for part in groups(media):
        members = [(_position(media, a), a) for a in part]
        if len(part) == 1:
            steps.append(_single(part[0], members[0][0], new_message))
        else:
            steps.append(_album(members, new_message))
    return tuple(steps)


def plan_copy(
    item: Item, tr: Translator, new_message: Mapping[str, Any], *, version: str | None = None
) -> CopyPlan:
    """The copy of `item` in `tr`'s language; `new_message`: what every new message adds
    (the paid-broadcast flag). The words are the version in `version` (a copy's own), else
    in `tr`'s language, when the item is written in it."""
    item = item.in_language(version or tr.language)
    text = render_release(item, tr)
    text_fits = fits_caption(text)
    caption = text if text_fits else caption_release(item, tr)
    markup = release_keyboard(item, tr).to_dict()
    html = {"parse_mode": "HTML"}
    link = {"link_preview_options": {"is_disabled": True}}
    withdrawn = render_withdrawn(item, tr)
    words = {
        "edit_text": PreparedRequest(
            "editMessageText", {"text": text, **html, "reply_markup": markup, **link}
        ),
        "edit_caption": PreparedRequest(
            "editMessageCaption", {"caption": caption, **html, "reply_markup": markup}
        ),
        "withdrawn_text": PreparedRequest("editMessageText", {"text": withdrawn, **html, **link}),
        "withdrawn_caption": PreparedRequest("editMessageCaption", {"caption": withdrawn, **html}),
    }
    parts = groups(item.media)
    unresolved = any(not a.on_telegram for a in item.media)
    if len(item.media) == 1 and text_fits:
        (attachment,) = item.media
        media, files = _input_media(attachment, "file0", caption=caption, **html)
        held = {"caption": text, **html, "reply_markup": markup, **new_message}
        return CopyPlan(
            shape=_shape(parts, CAPTION),
            media_steps=(),
            words=_single(attachment, 0, held),
            edit_media=(
                Step(
                    "editMessageMedia",
                    {"media": media, "reply_markup": markup},
                    (0,),
                    files,
                    _names(attachment, files),
                ),
            ),
            unresolved=unresolved,
            **words,
        )
    steps = media_steps(item.media, new_message)
    edits = []
    for part in parts:
        for attachment in part:
            position = _position(item.media, attachment)
            media, files = _input_media(attachment, "file0")
            names = _names(attachment, files)
            edits.append(Step("editMessageMedia", {"media": media}, (position,), files, names))
    text_params = {"text": text, **html, "reply_markup": markup, **link, **new_message}
    return CopyPlan(
        shape=_shape(parts, TEXT),
        media_steps=tuple(steps),
        words=Step("sendMessage", text_params, ()),
        edit_media=tuple(edits),
        unresolved=unresolved,
        **words,
    )
