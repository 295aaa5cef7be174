"""What the bot says of photos, videos and documents: to admins writing a release, to readers
in lists and digests, and to admins when a release had to go without a file."""

from __future__ import annotations

from collections.abc import Sequence

from pressbot.core.languages import N_
from pressbot.core.media import ALBUM_LIMIT, Attachment, MediaKind
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import ECHO_LIMIT, escape, html_to_plain, shorten, shown_title

UNSUPPORTED = N_(
    "A release can carry text, photos, videos and files (PDF and other documents). Stickers,"
    " voice and video messages, audio, locations and the like can't be published; nothing was"
    " added."
)
TOO_MANY = N_(
    "A release carries at most {limit} photos and videos and {limit} files; this one was not"
    " added. /nomedia removes those attached."
)
TITLE_AS_TEXT = N_("Send the title first, as text; photos and files come after it.")
MEDIA_REMOVED = N_(
    "The photos and files are removed from the draft; the text, their captions included, stays."
    " Send others, or /done."
)
NO_MEDIA = N_("The draft carries no photos or files.")
NOMEDIA_WHEN = N_("/nomedia works while you send a draft's text, before /done.")

#: The mark a list puts after an item's title: a camera for photos and videos, a clip for files.
PHOTO_MARK = "📷"
FILE_MARK = "📎"


def media_mark(kinds: Sequence[MediaKind]) -> str:
    """ " 📷", " 📎", " 📷📎" or "": what a list line shows of an item's media."""
    marks = ""
    if any(kind is not MediaKind.DOCUMENT for kind in kinds):
        marks += PHOTO_MARK
    if MediaKind.DOCUMENT in kinds:
        marks += FILE_MARK
    return f" {marks}" if marks else ""


def count_media(media: Sequence[Attachment], tr: Translator) -> str:
    """ "2 photos, 1 video and 1 document", in the reader's language."""
    photos = sum(1 for a in media if a.kind is MediaKind.PHOTO)
    videos = sum(1 for a in media if a.kind is MediaKind.VIDEO)
    documents = sum(1 for a in media if a.kind is MediaKind.DOCUMENT)
    parts = []
    if photos:
        parts.append(tr.plural("{count} photo", "{count} photos", photos))
    if videos:
        parts.append(tr.plural("{count} video", "{count} videos", videos))
    if documents:
        parts.append(tr.plural("{count} document", "{count} documents", documents))
    if len(parts) <= 1:
        return "".join(parts)
    return tr("{items} and {last}", items=", ".join(parts[:-1]), last=parts[-1])


def draft_received(
    media: Sequence[Attachment], body_html: str, tr: Translator, *, correction: bool = False
) -> str:
    """Acknowledge a file or a piece of the text: what the draft holds so far. A correction
    with no new text yet keeps the item's, and says so."""
    characters = len(html_to_plain(body_html))
    text = tr.plural("{count} character of text", "{count} characters of text", characters)
    if correction and not characters:
        return tr(
            "Got it: {media}; the text stays as it is unless you send a new one. Send more,"
            " or /done.",
            media=count_media(media, tr),
        )
    if not media:
        return tr.plural(
            "Got it: {count} character so far. Send more, or /done.",
            "Got it: {count} characters so far. Send more, or /done.",
            characters,
        )
    return tr(
        "Got it: {media}, {text} so far. Send more, or /done.",
        media=count_media(media, tr),
        text=text,
    )


def not_shown(reason: str, tr: Translator) -> str:
    """A file of the preview Telegram would not show: said, and the preview goes on."""
    return tr(
        "A file could not be shown here ({reason}); subscribers get the release without a"
        " file Telegram can't use.",
        reason=escape(shorten(reason, ECHO_LIMIT)),
    )


def too_many(tr: Translator) -> str:
    """An eleventh photo, or an eleventh file."""
    return tr(TOO_MANY, limit=ALBUM_LIMIT)


def edit_media_note(media: Sequence[Attachment], tr: Translator) -> str:
    """What /edit says of the item's media: kept unless removed, added to by sending more."""
    if not media:
        return tr("Photos, videos and files you send are added to it.")
    return tr(
        "Its files ({media}) are kept; what you send is added, and /nomedia removes them.",
        media=count_media(media, tr),
    )


def digest_media(media: Sequence[MediaKind], tr: Translator) -> str:
    """What a digest line adds for an item with media: " (with photos)", " (with files)"."""
    if not media:
        return ""
    if MediaKind.DOCUMENT in media and any(k is not MediaKind.DOCUMENT for k in media):
        return tr(" (with photos and files)")
    if MediaKind.DOCUMENT in media:
        return tr(" (with files)")
    return tr(" (with photos)")


def went_without(
    item_id: int, title: str, *, kind: MediaKind, source: str, reason: str, tr: Translator
) -> str:
    """To admins: a release went out without a file Telegram could not fetch or take."""
    what = {
        MediaKind.PHOTO: tr("a photo"),
        MediaKind.VIDEO: tr("a video"),
        MediaKind.DOCUMENT: tr("a document"),
    }[kind]
    return tr(
        "Release {id} “{title}” went out without {what}: Telegram could not use"
        " {source} ({reason}). /edit {id} can add another.",
        id=item_id,
        title=shown_title(title),
        what=what,
        source=escape(shorten(source, ECHO_LIMIT)),
        reason=escape(shorten(reason, ECHO_LIMIT)),
    )
