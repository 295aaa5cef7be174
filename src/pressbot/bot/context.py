"""What handlers and jobs share: the services, in one typed bot_data, and a typed context."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from pressbot.config import Settings
from pressbot.core.clock import Clock
from pressbot.core.languages import ENGLISH
from pressbot.core.team import Right, Role, may
from pressbot.delivery.engine import DeliveryEngine
from pressbot.delivery.tracking import ProgressTracker
from pressbot.ingest.polling import IngestSettings
from pressbot.storage import Database
from pressbot.texts.i18n import Translator, kind_translators, pick_translator, translator


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Services:
    """The objects every handler may use, made once in post_init."""

    settings: Settings
    database: Database
    clock: Clock
    engine: DeliveryEngine
    progress: ProgressTracker
    translators: Mapping[str, Translator] = field(default_factory=kind_translators)


@dataclass(frozen=True, slots=True)
class Ingest:
    """The configured sources and what polling them needs; one poll round at a time."""

    settings: IngestSettings
    sources: tuple[tuple[str, str, str], ...]  # (url, "feed" or "page", language)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def urls(self) -> list[str]:
        """The sources' URLs, in the settings' order."""
        return [url for url, _, _ in self.sources]


async def team_role(services: Services, user_id: int | None) -> Role | None:
    """A user's role: an owner by PRESSBOT_ADMIN_IDS, else their row in the team, else None."""
    if user_id is None:
        return None
    if user_id in services.settings.admin_ids:
        return Role.OWNER
    member = await services.database.team.get(user_id)
    return None if member is None else member.role


async def team_ids(services: Services, right: Right) -> list[int]:
    """The users with `right`, in id order: the configured owners and the team's members."""
    members = await services.database.team.members()
    ids = set(services.settings.admin_ids) | {m.user_id for m in members if may(m.role, right)}
    return sorted(ids)


class ServicesNotReadyError(RuntimeError):
    """The services were asked for before post_init made them (or after a failed start)."""


@dataclass(slots=True)
class BotData:
    """The application's bot_data: python-telegram-bot makes it empty, post_init fills it in.

    `services` is None until post_init has opened the database and started the engine; code
    that runs only after it (handlers, jobs, the web listener) reads `ready()` instead.
    `ingest` stays None when no website source is configured.
    """

    services: Services | None = None
    ingest: Ingest | None = None

    def ready(self) -> Services:
        """The services; ServicesNotReadyError when post_init has not made them yet."""
        if self.services is None:
            raise ServicesNotReadyError("bot_data.services is read before post_init set it")
        return self.services


class PressContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with typed access to the services and the reader's language."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)
        #: The language to answer in; handlers/language.py sets it before other handlers run.
        self.tr: Translator = translator(ENGLISH)

    @property
    def services(self) -> Services:
        """The services post_init put into bot_data."""
        return self.bot_data.ready()

    @property
    def database(self) -> Database:
        """The database."""
        return self.services.database

    @property
    def engine(self) -> DeliveryEngine:
        """The delivery engine."""
        return self.services.engine

    async def role_of(self, user_id: int | None) -> Role | None:
        """The user's role in the press office (None: a reader), asked afresh at every
        action: PRESSBOT_ADMIN_IDS are owners, the others as the team table says."""
        return await team_role(self.services, user_id)

    async def chat_translator(self, chat_id: int) -> Translator:
        """The translator of a chat's stored language (English when none), for a message
        that is no reply: a member told of a decision, an admin of their draft."""
        return self.translator(await self.database.languages.get(chat_id) or ENGLISH)

    def translator(self, language: str) -> Translator:
        """The translator of a language (English for any other), naming configured kinds."""
        return pick_translator(self.services.translators, language)

    def now(self) -> datetime:
        """The current instant by the application's clock."""
        return self.services.clock()


PressApplication = Application[
    ExtBot[Any], PressContext, dict[Any, Any], dict[Any, Any], BotData, Any
]
