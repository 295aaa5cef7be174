"""Settings from the environment and `.env`, prefix PRESSBOT_; built once and passed down.

settings.py holds the fields and the rules across them, values.py how each variable's text
is read, errors.py the line an operator reads when one is wrong.
"""

from pressbot.config.errors import MissingSettingError, describe_settings_error
from pressbot.config.settings import (
    DEFAULT_API_BASE_URL,
    FREE_BROADCAST_LIMIT,
    PAID_BROADCAST_LIMIT,
    PLACEHOLDER_TOKEN,
    Settings,
)
from pressbot.config.values import WEBHOOK_SECRET_PATTERN, parse_host_port

__all__ = [
    "DEFAULT_API_BASE_URL",
    "FREE_BROADCAST_LIMIT",
    "PAID_BROADCAST_LIMIT",
    "PLACEHOLDER_TOKEN",
    "WEBHOOK_SECRET_PATTERN",
    "MissingSettingError",
    "Settings",
    "describe_settings_error",
    "parse_host_port",
]
