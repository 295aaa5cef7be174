"""Settings from the environment and `.env`, prefix PRESSBOT_; built once and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AnyHttpUrl, Field, SecretStr, TypeAdapter, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"

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
    db_path: Path = Field(default=Path("pressbot.sqlite3"), description="The SQLite file.")
    data_dir: Path | None = Field(
        default=None, description="Where the seed items live; the packaged data/ when unset."
    )

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

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            bad = [part for part in parts if not part.lstrip("-").isdigit()]
            if bad:
                raise ValueError(
                    f"must be comma-separated Telegram user ids such as 111,222; got {bad[0]!r}"
                )
            return frozenset(int(part) for part in parts)
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
    field = str(first["loc"][0]) if first["loc"] else "settings"
    variable = f"PRESSBOT_{field.upper()}"
    if first["type"] == "missing":
        return f"{variable} is not set: put it in the environment or in .env (see .env.example)"
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{variable} is invalid: {message}"
