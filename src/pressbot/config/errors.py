"""What an operator reads when a setting is wrong or missing: one line naming the variable."""

from __future__ import annotations

from pydantic import ValidationError


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
