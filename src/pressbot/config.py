"""Settings from the environment and `.env`, prefix PRESSBOT_; built once and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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

from pressbot.models import ItemKind

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
#: Telegram answers 429 above about 30 messages a second, unless broadcasts are paid for.
FREE_BROADCAST_LIMIT = 30.0
PAID_BROADCAST_LIMIT = 1000.0

_HTTP_URL = TypeAdapter(AnyHttpUrl)


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

    broadcast_rate: float = Field(
        default=25.0, gt=0, description="Messages a second the delivery engine sends overall."
    )
    paid_broadcast: bool = Field(
        default=False, description="Pay for allow_paid_broadcast: up to 1000 messages a second."
    )
    post_kinds: Annotated[tuple[ItemKind, ...], NoDecode] = Field(
        default=(ItemKind.PRESS_RELEASE, ItemKind.STATEMENT, ItemKind.EVENT),
        description="The kinds an admin chooses from in /post.",
    )
    progress_interval: float = Field(
        default=3.0, ge=0.5, description="Seconds between edits of an admin's progress message."
    )
    delivery_max_attempts: int = Field(
        default=5, ge=1, le=20, description="Tries of one message on network errors and 5xx."
    )
    delivery_timeout: float = Field(
        default=10.0, gt=0, le=120, description="Seconds to wait for Telegram's answer to a send."
    )
    delivery_retry_base: float = Field(
        default=2.0, gt=0, description="Seconds before the first retry; doubles each time."
    )

    @field_validator("post_kinds", mode="before")
    @classmethod
    def _parse_kinds(cls, value: object) -> object:
        if isinstance(value, str):
            names = [name.strip() for name in value.split(",") if name.strip()]
            known = {kind.value for kind in ItemKind}
            unknown = [name for name in names if name not in known]
            if unknown or not names:
                raise ValueError(
                    f"must be comma-separated kinds out of {', '.join(sorted(known))};"
                    f" got {value!r}"
                )
            return tuple(ItemKind(name) for name in dict.fromkeys(names))
        return value

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
        """Return the token, or raise MissingSetting when it is not set."""
        if self.bot_token is None:
            raise MissingSettingError(
                "PRESSBOT_BOT_TOKEN is not set: put it in the environment or in .env"
                " (see .env.example)"
            )
        return self.bot_token.get_secret_value()


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
