"""How each setting's text is read: one list parser, the checks, and the types they make.

A variable's text passes through one of the types at the bottom (`UserIds`, `SourceUrls`, ...):
its parser turns a comma-separated string into the value, its check refuses what Telegram or
a listener would refuse. Each raises ValueError with the words an operator reads after
"PRESSBOT_X is invalid: " (see errors.py). Values given as Python objects (tests, the console)
skip the parsers but not the checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Annotated, TypeVar

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BeforeValidator,
    SecretStr,
    TypeAdapter,
    ValidationError,
)
from pydantic_settings import NoDecode

from pressbot.core.kinds import ConfiguredKind, parse_configured_kinds
from pressbot.core.languages import ENGLISH, LANGUAGES
from pressbot.core.sources import SourceUrl
from pressbot.core.weekly import WeeklySlot, parse_weekly_slot
from pressbot.ingest.kind_map import KindMap, parse_kind_map

_HTTP_URL = TypeAdapter(AnyHttpUrl)
#: What Telegram accepts as a webhook's secret_token.
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")

_T = TypeVar("_T")


def comma_separated(text: str) -> tuple[str, ...]:
    """The parts of "a, b,,a": each stripped, empty ones dropped, each once, in order."""
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def parse_source_url(text: str) -> SourceUrl:
    """One website source: an http:// or https:// URL, English; or "ru=URL" (or "en=URL")."""
    head, sep, rest = text.partition("=")
    if sep and ":" not in head and "/" not in head:  # not an "=" in the URL's query
        language, url = head.strip().lower(), rest.strip()
        if language not in LANGUAGES:
            raise ValueError(
                f"a source's language is one of {', '.join(LANGUAGES)}, as in"
                f" ru=https://…; got {text!r}"
            )
    else:
        language, url = ENGLISH, text
    if not is_http_url(url):
        raise ValueError(f"must be http:// or https:// URLs; got {text!r}")
    return SourceUrl(url, language)


def parse_source_urls(texts: str | Iterable[str | SourceUrl]) -> tuple[SourceUrl, ...]:
    """Comma-separated sources (see parse_source_url), each URL once and in one language."""
    parts = comma_separated(texts) if isinstance(texts, str) else texts
    languages: dict[str, str] = {}
    for part in parts:
        source = parse_source_url(part) if isinstance(part, str) else part
        if languages.setdefault(source.url, source.language) != source.language:
            raise ValueError(
                f"{source.url} is given in two languages, {languages[source.url]}"
                f" and {source.language}: a source writes in one"
            )
    return tuple(SourceUrl(url, language) for url, language in languages.items())


def _sources(value: object) -> object:
    """The text of a variable, or sources given as Python objects (URLs or SourceUrls)."""
    if isinstance(value, str | list | tuple):
        return parse_source_urls(value)
    return value


def parse_ids(text: str) -> frozenset[int]:
    """Comma-separated Telegram ids, users' (positive) or chats' (negative)."""
    parts = comma_separated(text)
    bad = [part for part in parts if not part.lstrip("-").isdigit()]
    if bad:
        raise ValueError(f"must be comma-separated Telegram ids such as 111,222; got {bad[0]!r}")
    return frozenset(int(part) for part in parts)


def parse_host_port(value: str) -> tuple[str, int]:
    """Split "host:port" (or "[::1]:port") into host and port; ValueError when malformed."""
    host, sep, port = value.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not (sep and host and port.isdigit() and int(port) <= 65535):
        raise ValueError(f"must be host:port such as 127.0.0.1:8080; got {value!r}")
    return host, int(port)


def is_http_url(value: str) -> bool:
    """Whether `value` is an absolute http:// or https:// URL."""
    try:
        _HTTP_URL.validate_python(value)
    except ValidationError:
        return False
    return True


def check_user_ids(ids: frozenset[int]) -> frozenset[int]:
    """Admins are users: positive ids."""
    if any(user_id <= 0 for user_id in ids):
        raise ValueError("user ids are positive numbers; group or channel ids cannot be admins")
    return ids


def check_channel_ids(ids: frozenset[int]) -> frozenset[int]:
    """Channels' ids are negative."""
    if any(chat_id >= 0 for chat_id in ids):
        raise ValueError("channel ids are negative numbers such as -1001234567890")
    return ids


def check_http_url(value: str) -> str:
    """The Bot API server's URL."""
    if not is_http_url(value):
        raise ValueError("must be an http:// or https:// URL")
    return value


def check_webhook_url(value: str) -> str:
    """An https:// URL whose path can be a route."""
    try:
        url = _HTTP_URL.validate_python(value)
    except ValidationError:
        raise ValueError(
            "must be an https:// URL such as https://bot.example.org/tg/hook"
        ) from None
    if url.scheme != "https":
        raise ValueError("must be an https:// URL: Telegram posts updates only over HTTPS")
    if "{" in value or "}" in value:  # the path becomes a route, where braces are patterns
        raise ValueError("must not contain { or }")
    return value


def check_webhook_secret(value: SecretStr) -> SecretStr:
    """A secret_token Telegram accepts."""
    if not WEBHOOK_SECRET_PATTERN.fullmatch(value.get_secret_value()):
        # Never echo the value: it is a secret even when malformed.
        raise ValueError("must be 1-256 characters out of A-Z, a-z, 0-9, _ and -")
    return value


def check_token(value: SecretStr) -> SecretStr:
    """A token of @BotFather's shape, stripped."""
    token = value.get_secret_value().strip()
    head, sep, tail = token.partition(":")
    if not (sep and head.isdigit() and tail):
        # Never echo the value: it is a secret even when malformed.
        raise ValueError("must look like 123456789:AA... (the token @BotFather gave you)")
    return SecretStr(token)


def check_host_port(value: str) -> str:
    """A listen address."""
    parse_host_port(value)
    return value


def _text(parse: Callable[[str], object]) -> BeforeValidator:
    """Parse a variable's text; anything else is left to the field's type."""
    return BeforeValidator(lambda value: parse(value) if isinstance(value, str) else value)


def _unset_when_empty(value: object) -> object:
    # `PRESSBOT_WEBHOOK_URL=` in .env means "not set", as the commented defaults suggest.
    return None if value == "" else value


def _when_set(check: Callable[[_T], _T]) -> AfterValidator:
    """Check a value that may be unset (None)."""
    return AfterValidator(lambda value: None if value is None else check(value))


#: NoDecode: pydantic-settings would read a list as JSON; these read commas.
UserIds = Annotated[frozenset[int], NoDecode, _text(parse_ids), AfterValidator(check_user_ids)]
ChannelIds = Annotated[
    frozenset[int], NoDecode, _text(parse_ids), AfterValidator(check_channel_ids)
]
#: Website sources, each with its language; URLs given as Python objects are English.
SourceUrls = Annotated[tuple[SourceUrl, ...], NoDecode, BeforeValidator(_sources)]
NameList = Annotated[tuple[str, ...], NoDecode, _text(comma_separated)]
ConfiguredKinds = Annotated[tuple[ConfiguredKind, ...], NoDecode, _text(parse_configured_kinds)]
KindMapText = Annotated[KindMap, NoDecode, _text(parse_kind_map)]
BotToken = Annotated[SecretStr | None, _when_set(check_token)]
HttpUrl = Annotated[str, AfterValidator(check_http_url)]
HostPort = Annotated[str, AfterValidator(check_host_port)]
#: Unset when empty, as well as when absent.
WebhookUrl = Annotated[
    str | None, BeforeValidator(_unset_when_empty), _when_set(check_webhook_url)
]
WebhookSecret = Annotated[
    SecretStr | None, BeforeValidator(_unset_when_empty), _when_set(check_webhook_secret)
]
OptionalHostPort = Annotated[
    str | None, BeforeValidator(_unset_when_empty), _when_set(check_host_port)
]
#: A weekday and a London time, or None for "off".
WeeklySlotText = Annotated[WeeklySlot | None, NoDecode, _text(parse_weekly_slot)]
