"""Settings from the environment and `.env`, prefix PRESSBOT_; built once and passed down."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from pressbot.core.kinds import ConfiguredKind, all_kinds, parse_configured_kinds
from pressbot.core.models import ItemKind
from pressbot.ingest.kind_map import DEFAULT_KINDS, KindMap, parse_kind_map

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
#: Telegram answers 429 above about 30 messages a second, unless broadcasts are paid for.
FREE_BROADCAST_LIMIT = 30.0
PAID_BROADCAST_LIMIT = 1000.0

_HTTP_URL = TypeAdapter(AnyHttpUrl)
#: What Telegram accepts as a webhook's secret_token.
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Settings(BaseSettings):
    """Everything pressbot reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="PRESSBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    bot_token: SecretStr | None = Field(
        default=None, description="The bot's token from @BotFather; a secret, never logged."
    )
    api_base_url: str = Field(
        default=DEFAULT_API_BASE_URL,
        description="The Bot API server; the token is appended to it.",
    )
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), description="Telegram user ids allowed to publish."
    )
    channel_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), description="Channels (the bot is an admin) that get every release."
    )
    db_path: Path = Field(default=Path("pressbot.sqlite3"), description="The SQLite file.")
    data_dir: Path | None = Field(
        default=None, description="Where the seed items live; the packaged data/ when unset."
    )
    seed: bool = Field(
        default=True,
        description="Fill a new database with the seed items; switch off in production.",
    )

    broadcast_rate: float = Field(
        default=25.0, gt=0, description="Messages a second the delivery engine sends overall."
    )
    paid_broadcast: bool = Field(
        default=False, description="Pay for allow_paid_broadcast: up to 1000 messages a second."
    )
    post_kinds: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(ItemKind.PRESS_RELEASE, ItemKind.STATEMENT, ItemKind.EVENT),
        description="The kinds an admin chooses from in /post.",
    )
    extra_kinds: Annotated[tuple[ConfiguredKind, ...], NoDecode] = Field(
        default=(),
        description="Kinds beyond the built-in four: name=English label|Russian label, ...",
    )
    progress_interval: float = Field(
        default=3.0, ge=0.5, description="Seconds between edits of an admin's progress message."
    )
    delivery_deadline: float = Field(
        default=24 * 3600.0,
        ge=60,
        description="Seconds after a release within which a delivery is still tried.",
    )
    delivery_timeout: float = Field(
        default=10.0, gt=0, le=120, description="Seconds to wait for Telegram's answer to a send."
    )
    delivery_retry_base: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="Seconds before the first retry; doubles each time, up to a minute.",
    )
    digest_check_interval: float = Field(
        default=30.0, ge=0.1, le=300, description="Seconds between looks for due daily digests."
    )

    feed_urls: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="RSS 2.0 or Atom feeds of the embassy's website, comma-separated."
    )
    page_urls: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="Listing pages without a feed (dated releases), comma-separated."
    )
    feed_interval: float = Field(
        default=600.0, ge=60, le=86400, description="Seconds between polls of each source."
    )
    feed_autopublish: bool = Field(
        default=False, description="Publish new website entries at once; false: hold for admins."
    )
    feed_kinds: Annotated[KindMap, NoDecode] = Field(
        default=DEFAULT_KINDS,
        description="Category or section words mapped to kinds: statement=statement,...",
    )
    feed_timeout: float = Field(
        default=20.0, gt=0, le=300, description="Seconds one fetch of a feed or page may take."
    )

    @field_validator("feed_urls", "page_urls", mode="before")
    @classmethod
    def _parse_urls(cls, value: object) -> object:
        if isinstance(value, str):
            urls = [part.strip() for part in value.split(",") if part.strip()]
            for url in urls:
                try:
                    _HTTP_URL.validate_python(url)
                except ValidationError:
                    raise ValueError(f"must be http:// or https:// URLs; got {url!r}") from None
            return tuple(dict.fromkeys(urls))
        return value

    @field_validator("feed_kinds", mode="before")
    @classmethod
    def _parse_feed_kinds(cls, value: object) -> object:
        return parse_kind_map(value) if isinstance(value, str) else value

    webhook_url: str | None = Field(
        default=None, description="The https:// URL Telegram posts updates to; unset: polling."
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="The webhook's secret token; generated and kept in the database when unset.",
    )
    listen: str = Field(
        default="127.0.0.1:8080",
        description="host:port of the webhook, /healthz and /metrics in webhook mode.",
    )
    health_listen: str | None = Field(
        default=None, description="host:port of /healthz and /metrics in polling mode."
    )
    health_grace: float = Field(
        default=120.0,
        gt=0,
        le=86400,
        description="Seconds updates or sends may fail before /healthz answers 503.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="Logs as plain text lines or as JSON lines."
    )

    @field_validator("webhook_url", "webhook_secret", "health_listen", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `PRESSBOT_WEBHOOK_URL=` in .env means "not set", as the commented defaults suggest.
        return None if value == "" else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
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

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET_PATTERN.fullmatch(value.get_secret_value()):
            # Never echo the value: it is a secret even when malformed.
            raise ValueError("must be 1-256 characters out of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("listen", "health_listen")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if value is not None:
            parse_host_port(value)
        return value

    @field_validator("post_kinds", mode="before")
    @classmethod
    def _parse_kinds(cls, value: object) -> object:
        if isinstance(value, str):
            names = tuple(dict.fromkeys(name.strip() for name in value.split(",")))
            return tuple(name for name in names if name)
        return value

    @field_validator("extra_kinds", mode="before")
    @classmethod
    def _parse_extra_kinds(cls, value: object) -> object:
        return parse_configured_kinds(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _post_kinds_are_known(self) -> Settings:
        known = self.kinds
        unknown = [name for name in self.post_kinds if name not in known]
        if unknown or not self.post_kinds:
            raise ValueError(
                f"post_kinds: must be comma-separated kinds out of {', '.join(known)};"
                f" got {','.join(self.post_kinds)!r}"
            )
        return self

    @model_validator(mode="after")
    def _feed_kinds_are_known(self) -> Settings:
        unknown = [kind for _, kind in self.feed_kinds if kind not in self.kinds]
        if unknown:
            raise ValueError(
                f"feed_kinds: kinds must be out of {', '.join(self.kinds)}; got {unknown[0]!r}"
            )
        return self

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every kind of item: the built-in ones, then PRESSBOT_EXTRA_KINDS."""
        return all_kinds(self.extra_kinds)

    @model_validator(mode="after")
    def _rate_within_telegrams_limit(self) -> Settings:
        limit = PAID_BROADCAST_LIMIT if self.paid_broadcast else FREE_BROADCAST_LIMIT
        if self.broadcast_rate > limit:
            hint = (
                "" if self.paid_broadcast else "; PRESSBOT_PAID_BROADCAST=true allows up to 1000"
            )
            raise ValueError(f"broadcast_rate: at most {limit:.0f} messages a second{hint}")
        return self

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        token = value.get_secret_value().strip()
        head, sep, tail = token.partition(":")
        if not (sep and head.isdigit() and tail):
            # Never echo the value: it is a secret even when malformed.
            raise ValueError("must look like 123456789:AA... (the token @BotFather gave you)")
        return SecretStr(token)

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        try:
            _HTTP_URL.validate_python(value)
        except ValidationError:
            raise ValueError("must be an http:// or https:// URL") from None
        return value

    @field_validator("admin_ids", "channel_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            bad = [part for part in parts if not part.lstrip("-").isdigit()]
            if bad:
                raise ValueError(
                    f"must be comma-separated Telegram ids such as 111,222; got {bad[0]!r}"
                )
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("channel_ids")
    @classmethod
    def _channel_ids(cls, value: frozenset[int]) -> frozenset[int]:
        if any(chat_id >= 0 for chat_id in value):
            raise ValueError("channel ids are negative numbers such as -1001234567890")
        return value

    @field_validator("admin_ids")
    @classmethod
    def _positive_ids(cls, value: frozenset[int]) -> frozenset[int]:
        if any(user_id <= 0 for user_id in value):
            raise ValueError(
                "user ids are positive numbers; group or channel ids cannot be admins"
            )
        return value

    def require_token(self) -> str:
        """Return the token, or raise MissingSetting when it is not set or the placeholder.

        The placeholder is refused here, before any request, rather than when the settings
        are read: `pressbot import` and `console` need no token and run with it.
        """
        if self.bot_token is None:
            raise MissingSettingError(
                "PRESSBOT_BOT_TOKEN is not set: put it in the environment or in .env"
                " (see .env.example)"
            )
        token = self.bot_token.get_secret_value()
        if token == PLACEHOLDER_TOKEN:
            raise MissingSettingError(
                "PRESSBOT_BOT_TOKEN is still the placeholder from .env.example:"
                " put the token @BotFather gave you in its place"
            )
        return token


#: PRESSBOT_BOT_TOKEN in .env.example: the right shape, but no bot's token.
PLACEHOLDER_TOKEN = "123456789:replace-with-your-token"  # noqa: S105 - a known non-secret


def parse_host_port(value: str) -> tuple[str, int]:
    """Split "host:port" (or "[::1]:port") into host and port; ValueError when malformed."""
    host, sep, port = value.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not (sep and host and port.isdigit() and int(port) <= 65535):
        raise ValueError(f"must be host:port such as 127.0.0.1:8080; got {value!r}")
    return host, int(port)


class MissingSettingError(Exception):
    """A setting that this command needs is not set."""


def describe_settings_error(error: ValidationError) -> str:
    """Turn a settings validation error into one line naming the variable and the problem."""
    first = error.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    field = str(first["loc"][0]) if first["loc"] else ""
    if not field:  # a rule across fields names its field first: "broadcast_rate: …"
        field, _, message = message.partition(": ")
    variable = f"PRESSBOT_{field.upper()}"
    if first["type"] == "missing":
        return f"{variable} is not set: put it in the environment or in .env (see .env.example)"
    return f"{variable} is invalid: {message}"
