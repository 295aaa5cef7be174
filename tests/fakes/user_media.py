"""What users send besides text: photos, documents, videos, albums, stickers, voice, audio, GIFs.

Each action stores the file under a fake-issued file_id (the bot may send it again, or getFile
and download it), queues the update Telegram would deliver and returns the Message, as
``user_sends`` does. ``options`` are user_message's (user_id, chat_id, chat_type, first_name,
username, language_code, reply_to_message_id, message_thread_id).
"""

from __future__ import annotations

import logging
import mimetypes
from typing import Any

from .files import StoredFile
from .models import JsonDict
from .users import UserActions

logger = logging.getLogger(__name__)


class UserMediaActions(UserActions):
    """UserActions plus the media users send (tests call these on FakeBotApi)."""

    def _user_sends_file(
        self,
        stored: StoredFile,
        caption: str | None,
        caption_entities: list[JsonDict] | None,
        media_group_id: str | None,
        options: dict[str, Any],
    ) -> JsonDict:
        """Store and queue a user's message carrying ``stored``; return the Message."""
        # user_message sets up the chat and the sender; the caption takes the text's place.
        payload = self.user_message(caption or "", entities=caption_entities, **options)
        message = self.find_message(payload["chat"]["id"], payload["message_id"])
        assert message is not None
        message.media, message.media_payload = stored.kind, stored.message_payload()
        message.media_group_id = media_group_id
        message.raw_text = caption
        fresh = self.message_json(message)
        if payload.get("is_topic_message"):
            fresh["is_topic_message"] = True
        self.push_update("message", fresh)
        return fresh

    def user_sends_photo(
        self,
        caption: str | None = None,
        *,
        width: int = 1280,
        height: int = 720,
        caption_entities: list[JsonDict] | None = None,
        media_group_id: str | None = None,
        **options: Any,
    ) -> JsonDict:
        """A user sends a photo (a real PNG of this size, in two sizes as Telegram sends it).

        Caption entities default to what Telegram detects itself (URLs, #hashtags ...).
        """
        stored = self.files.add_user_file("photo", 0, width=width, height=height)
        return self._user_sends_file(stored, caption, caption_entities, media_group_id, options)

    def user_sends_document(
        self,
        file_name: str = "document.pdf",
        *,
        size: int = 100_000,
        mime_type: str | None = None,
        caption: str | None = None,
        caption_entities: list[JsonDict] | None = None,
        media_group_id: str | None = None,
        **options: Any,
    ) -> JsonDict:
        """A user sends a document of ``size`` bytes (its MIME type guessed from the name)."""
        mime = mime_type or _guess_type(file_name)
        stored = self.files.add_user_file("document", size, file_name=file_name, mime_type=mime)
        return self._user_sends_file(stored, caption, caption_entities, media_group_id, options)

    def user_sends_video(
        self,
        caption: str | None = None,
        *,
        width: int = 1280,
        height: int = 720,
        duration: int = 10,
        size: int = 1_500_000,
        file_name: str = "video.mp4",
        caption_entities: list[JsonDict] | None = None,
        media_group_id: str | None = None,
        **options: Any,
    ) -> JsonDict:
        """A user sends a video."""
        stored = self.files.add_user_file(
            "video", size, width=width, height=height, duration=duration, file_name=file_name
        )
        return self._user_sends_file(stored, caption, caption_entities, media_group_id, options)

    def user_sends_album(
        self,
        n: int = 3,
        caption: str | None = None,
        *,
        kind: str = "photo",
        caption_entities: list[JsonDict] | None = None,
        **options: Any,
    ) -> list[JsonDict]:
        """A user sends an album of ``n`` photos (or "video"s, "document"s): ``n`` messages with
        one media_group_id, each its own update, the caption on the first; return them all."""
        if not 2 <= n <= 10:
            raise ValueError("an album holds 2-10 items")
        if kind not in ("photo", "video", "document"):
            raise ValueError(f"no album of {kind!r}; kinds: 'photo', 'video', 'document'")
        group_id = self.files.new_media_group_id()
        sent = []
        for i in range(n):
            first = {"caption": caption, "caption_entities": caption_entities} if i == 0 else {}
            item = {**first, "media_group_id": group_id, **options}
            if kind == "photo":
                sent.append(self.user_sends_photo(**item))
            elif kind == "video":
                sent.append(self.user_sends_video(**item))
            else:
                sent.append(self.user_sends_document(f"document-{i + 1}.pdf", **item))
        return sent

    def user_sends_sticker(
        self, emoji: str = "👍", *, set_name: str | None = None, **options: Any
    ) -> JsonDict:
        """A user sends a (static, 512x512) sticker."""
        extra: JsonDict = {"type": "regular", "is_animated": False, "is_video": False}
        extra["emoji"] = emoji
        if set_name:
            extra["set_name"] = set_name
        stored = self.files.add_user_file("sticker", 24_000, extra=extra)
        return self._user_sends_file(stored, None, None, None, options)

    def user_sends_voice(
        self, caption: str | None = None, *, duration: int = 5, size: int = 12_000, **options: Any
    ) -> JsonDict:
        """A user sends a voice message (OGG/Opus)."""
        stored = self.files.add_user_file("voice", size, duration=duration)
        return self._user_sends_file(stored, caption, None, None, options)

    def user_sends_audio(
        self,
        caption: str | None = None,
        *,
        duration: int = 180,
        performer: str | None = None,
        title: str | None = None,
        file_name: str = "track.mp3",
        size: int = 3_000_000,
        **options: Any,
    ) -> JsonDict:
        """A user sends an audio file (music)."""
        extra = {k: v for k, v in (("performer", performer), ("title", title)) if v}
        stored = self.files.add_user_file(
            "audio", size, duration=duration, file_name=file_name, extra=extra
        )
        return self._user_sends_file(stored, caption, None, None, options)

    def user_sends_animation(
        self,
        caption: str | None = None,
        *,
        width: int = 320,
        height: int = 240,
        duration: int = 3,
        size: int = 250_000,
        **options: Any,
    ) -> JsonDict:
        """A user sends an animation (a GIF, as Telegram's MP4; the Message has document too)."""
        stored = self.files.add_user_file(
            "animation",
            size,
            width=width,
            height=height,
            duration=duration,
            file_name="animation.mp4",
        )
        return self._user_sends_file(stored, caption, None, None, options)


def _guess_type(file_name: str) -> str:
    return mimetypes.guess_type(file_name)[0] or "application/octet-stream"
