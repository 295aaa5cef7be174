"""pressbot: a Telegram bot that delivers an embassy's press updates."""

__version__ = "0.1.0"
