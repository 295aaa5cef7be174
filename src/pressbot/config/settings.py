"""The settings: every PRESSBOT_ variable, the rules across them, and what each layer gets.

Fields first, in the order of the README's table; how each one's text is read is its type
(values.py). Then the rules that span fields, then the settings the engine and the website
polling are built with, so that no caller copies fields one by one.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from pressbot.config.errors import MissingSettingError
from pressbot.config.values import (
    BotToken,
    ChannelIds,
    ConfiguredKinds,
    HostPort,
    HttpUrl,
    KindMapText,
    NameList,
    OptionalHostPort,
    SourceUrls,
    UserIds,
    WebhookSecret,
    WebhookUrl,
    WeeklySlotText,
)
from pressbot.core.kinds import all_kinds
from pressbot.core.models import ItemKind
from pressbot.core.team import Approval
from pressbot.core.weekly import WeeklySlot
from pressbot.delivery.engine import EngineSettings
from pressbot.ingest.kind_map import DEFAULT_KINDS
from pressbot.ingest.polling import IngestSettings

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
#: Telegram answers 429 above about 30 messages a second, unless broadcasts are paid for.
FREE_BROADCAST_LIMIT = 30.0
PAID_BROADCAST_LIMIT = 1000.0
#: PRESSBOT_BOT_TOKEN in .env.example: the right shape, but no bot's token.
PLACEHOLDER_TOKEN = "123456789:replace-with-your-token"  # noqa: S105 - a known non-secret


class Settings(BaseSettings):
    """Everything pressbot reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="PRESSBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    # Telegram, and who may publish where.
    bot_token: BotToken = Field(
        default=None, description="The bot's token from @BotFather; a secret, never logged."
    )
    api_base_url: HttpUrl = Field(
        default=DEFAULT_API_BASE_URL,
        description="The Bot API server; the token is appended to it.",
    )
    admin_ids: UserIds = Field(
        default=frozenset(),
        description="The press office's owners: Telegram user ids with every right, the team's"
        " too (/whoami tells a user's id).",
    )
    approval: Approval = Field(
        default=Approval.OFF,
        description="off: publishers publish their own drafts; required: the same, said"
        " outright; two-person: every release, correction and withdrawal needs a second"
        " member's approval. Editors always submit for approval.",
    )
    channel_ids: ChannelIds = Field(
        default=frozenset(), description="Channels (the bot is an admin) that get every release."
    )

    # The database.
    db_path: Path = Field(default=Path("pressbot.sqlite3"), description="The SQLite file.")
    data_dir: Path | None = Field(
        default=None, description="Where the seed items live; the packaged data/ when unset."
    )
    seed: bool = Field(
        default=True,
        description="Fill a new database with the seed items; switch off in production.",
    )

    # Publishing and delivery.
    broadcast_rate: float = Field(
        default=25.0, gt=0, description="Messages a second the delivery engine sends overall."
    )
    paid_broadcast: bool = Field(
        default=False, description="Pay for allow_paid_broadcast: up to 1000 messages a second."
    )
    post_kinds: NameList = Field(
        default=(ItemKind.PRESS_RELEASE, ItemKind.STATEMENT, ItemKind.EVENT),
        description="The kinds an admin chooses from in /post.",
    )
    extra_kinds: ConfiguredKinds = Field(
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
    weekly_report: WeeklySlotText = Field(
        default=WeeklySlot(0, time(9, 0)),
        description="When owners and publishers get the weekly report: a weekday and a London"
        " time (mon 09:00), or off.",
    )

    # The embassy's website.
    feed_urls: SourceUrls = Field(
        default=(),
        description="RSS 2.0 or Atom feeds of the embassy's website, comma-separated;"
        " ru=https://… for a Russian one.",
    )
    page_urls: SourceUrls = Field(
        default=(),
        description="Listing pages without a feed (dated releases), comma-separated;"
        " ru=https://… for a Russian one.",
    )
    poll_website: bool = Field(
        default=True,
        description="Poll the feeds and pages above; false: the website is not read (as in"
        " pressbot console).",
    )
    feed_interval: float = Field(
        default=600.0, ge=60, le=86400, description="Seconds between polls of each source."
    )
    feed_autopublish: bool = Field(
        default=False, description="Publish new website entries at once; false: hold for admins."
    )
    feed_kinds: KindMapText = Field(
        default=DEFAULT_KINDS,
        description="Category or section words mapped to kinds: statement=statement,...",
    )
    feed_timeout: float = Field(
        default=20.0, gt=0, le=300, description="Seconds one fetch of a feed or page may take."
    )

    # Running in production.
    webhook_url: WebhookUrl = Field(
        default=None, description="The https:// URL Telegram posts updates to; unset: polling."
    )
    webhook_secret: WebhookSecret = Field(
        default=None,
        description="The webhook's secret token; generated and kept in the database when unset.",
    )
    listen: HostPort = Field(
        default="127.0.0.1:8080",
        description="host:port of the webhook, /healthz and /metrics in webhook mode.",
    )
    health_listen: OptionalHostPort = Field(
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

    # Rules across fields; each message starts with the field it names (errors.py reads it).

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

    @model_validator(mode="after")
    def _rate_within_telegrams_limit(self) -> Settings:
        limit = PAID_BROADCAST_LIMIT if self.paid_broadcast else FREE_BROADCAST_LIMIT
        if self.broadcast_rate > limit:
            hint = (
                "" if self.paid_broadcast else "; PRESSBOT_PAID_BROADCAST=true allows up to 1000"
            )
            raise ValueError(f"broadcast_rate: at most {limit:.0f} messages a second{hint}")
        return self

    # What the layers below are built with.

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every kind of item: the built-in ones, then PRESSBOT_EXTRA_KINDS."""
        return all_kinds(self.extra_kinds)

    def engine_settings(self) -> EngineSettings:
        """How fast and how stubbornly the delivery engine sends."""
        return EngineSettings(
            rate=self.broadcast_rate,
            paid_broadcast=self.paid_broadcast,
            retry_base=self.delivery_retry_base,
            deadline=self.delivery_deadline,
        )

    def ingest_settings(self) -> IngestSettings:
        """What polling the website's feeds and pages needs."""
        return IngestSettings(
            interval=self.feed_interval,
            autopublish=self.feed_autopublish,
            kinds=self.feed_kinds,
            timeout=self.feed_timeout,
        )

    def require_token(self) -> str:
        """Return the token, or raise MissingSettingError when unset or the placeholder.

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
