"""What handlers share: settings, the database and the clock, in a typed context."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from pressbot.config import Settings
from pressbot.core.languages import ENGLISH
from pressbot.delivery.engine import DeliveryEngine
from pressbot.delivery.tracking import ProgressTracker
from pressbot.storage import Database
from pressbot.texts.i18n import Translator, kind_translators, pick_translator, translator

Clock = Callable[[], datetime]
SERVICES_KEY = "services"


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


class PressContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
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
        """The services put into bot_data at start-up."""
        services = self.bot_data[SERVICES_KEY]
        assert isinstance(services, Services)  # noqa: S101 - wiring invariant, set in post_init
        return services

    @property
    def database(self) -> Database:
        """The database."""
        return self.services.database

    @property
    def engine(self) -> DeliveryEngine:
        """The delivery engine."""
        return self.services.engine

    def is_admin(self, user_id: int | None) -> bool:
        """Whether the user is one of PRESSBOT_ADMIN_IDS, asked afresh at every action."""
        return user_id is not None and user_id in self.services.settings.admin_ids

    def translator(self, language: str) -> Translator:
        """The translator of a language (English for any other), naming configured kinds."""
        return pick_translator(self.services.translators, language)

    def now(self) -> datetime:
        """The current instant by the application's clock."""
        return self.services.clock()


PressApplication = Application[
    ExtBot[Any], PressContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
