"""Telegram's own entity parser (TDLib, from the PyPI package ``tdjson``) for the fake.

Telegram parses ``parse_mode`` text with TDLib, so the fake does too: a text that TDLib
refuses is refused by the fake with TDLib's own message, and the 4096/1024 limits are counted on
the text TDLib produces. Offsets and lengths are UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import tdjson

logger = logging.getLogger(__name__)

Entity = dict[str, Any]


def _td_execute(request: dict[str, Any]) -> dict[str, Any]:
    """Run one synchronous TDLib request and return its decoded answer."""
    raw = tdjson.td_execute(json.dumps(request).encode())
    if raw is None:  # TDLib answers every synchronous request; None would be a broken build
        raise RuntimeError(f"TDLib gave no answer to {request['@type']}")
    answer: dict[str, Any] = json.loads(raw)
    return answer


# TDLib logs every synchronous request to stderr at its default verbosity; silence it once.
_td_execute({"@type": "setLogVerbosityLevel", "new_verbosity_level": 0})

_PARSE_MODES: dict[str, dict[str, Any]] = {
    "html": {"@type": "textParseModeHTML"},
    "markdownv2": {"@type": "textParseModeMarkdown", "version": 2},
    "markdown": {"@type": "textParseModeMarkdown", "version": 1},
}

# TDLib entity type -> Bot API MessageEntity type, for types that carry no extra data.
_SIMPLE_TYPES = {
    "textEntityTypeMention": "mention",
    "textEntityTypeHashtag": "hashtag",
    "textEntityTypeCashtag": "cashtag",
    "textEntityTypeBotCommand": "bot_command",
    "textEntityTypeUrl": "url",
    "textEntityTypeEmailAddress": "email",
    "textEntityTypePhoneNumber": "phone_number",
    "textEntityTypeBankCardNumber": "bank_card_number",
    "textEntityTypeBold": "bold",
    "textEntityTypeItalic": "italic",
    "textEntityTypeUnderline": "underline",
    "textEntityTypeStrikethrough": "strikethrough",
    "textEntityTypeSpoiler": "spoiler",
    "textEntityTypeCode": "code",
    "textEntityTypePre": "pre",
    "textEntityTypeBlockQuote": "blockquote",
    "textEntityTypeExpandableBlockQuote": "expandable_blockquote",
}


class EntityParseError(ValueError):
    """TDLib refused the text; ``str(error)`` is the Bot API description without "Bad Request"."""


@dataclass(frozen=True, slots=True)
class FormattedText:
    """A text as Telegram stores it: plain text plus Bot API entities.

    The instance may be shared through a cache: use :meth:`entity_list` to get entities to keep.
    """

    text: str
    entities: tuple[Entity, ...] = ()

    def entity_list(self) -> list[Entity]:
        """Return fresh copies of the entities (safe to store or mutate)."""
        return [{k: _copy(v) for k, v in e.items()} for e in self.entities]


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's text limits and entity offsets."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _camel_to_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _bot_api_entity(td_entity: dict[str, Any]) -> Entity | None:
    """Convert one TDLib textEntity to a Bot API MessageEntity (None: no Bot API equivalent)."""
    td_type: dict[str, Any] = td_entity["type"]
    kind = td_type["@type"]
    entity: Entity = {"offset": td_entity["offset"], "length": td_entity["length"]}
    if kind in _SIMPLE_TYPES:
        entity["type"] = _SIMPLE_TYPES[kind]
    elif kind == "textEntityTypePreCode":
        entity.update(type="pre", language=td_type["language"])
    elif kind == "textEntityTypeTextUrl":
        entity.update(type="text_link", url=td_type["url"])
    elif kind == "textEntityTypeMentionName":
        # TDLib knows only the id; the Bot API sends a User, so give it the minimum one.
        user = {"id": td_type["user_id"], "is_bot": False, "first_name": "User"}
        entity.update(type="text_mention", user=user)
    elif kind == "textEntityTypeCustomEmoji":
        entity.update(type="custom_emoji", custom_emoji_id=str(td_type["custom_emoji_id"]))
    elif kind == "textEntityTypeDateTime":
        entity.update(type="date_time", unix_time=td_type["unix_time"])
    elif kind == "textEntityTypeMediaTimestamp":
        return None  # clickable video timestamps exist in TDLib only
    else:
        entity["type"] = _camel_to_snake(kind.removeprefix("textEntityType"))
    return {"type": entity.pop("type"), **entity}


@functools.lru_cache(maxsize=4096)
def parse(text: str, parse_mode: str | None) -> FormattedText:
    """Parse ``text`` the way the Bot API does for ``parse_mode`` (None or "": plain text).

    Raises EntityParseError with Telegram's description ("can't parse entities: ..." or
    "unsupported parse_mode"). Cached: broadcasts send the same text many times.
    """
    if not parse_mode:
        return FormattedText(text)
    mode = _PARSE_MODES.get(parse_mode.lower())
    if mode is None:
        raise EntityParseError("unsupported parse_mode")
    answer = _td_execute({"@type": "parseTextEntities", "text": text, "parse_mode": mode})
    if answer["@type"] == "error":
        message: str = answer["message"]
        # The Bot API lowercases the first letter of TDLib's "Can't parse entities: ...".
        raise EntityParseError(message[:1].lower() + message[1:])
    entities = (_bot_api_entity(e) for e in answer["entities"])
    return FormattedText(answer["text"], tuple(e for e in entities if e is not None))


def find_entities(text: str) -> list[Entity]:
    """Entities Telegram detects by itself in a user's text: /commands, @mentions, URLs ..."""
    answer = _td_execute({"@type": "getTextEntities", "text": text})
    found = (_bot_api_entity(e) for e in answer.get("entities", []))
    return [e for e in found if e is not None]


def strip(formatted: FormattedText) -> FormattedText:
    """Trim leading and trailing whitespace as Telegram does, moving entities along."""
    text = formatted.text
    body = text.strip()
    if body == text:
        return formatted
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(body)
    entities = []
    for entity in formatted.entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(body, tuple(entities))
