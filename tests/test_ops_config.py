"""The production settings: webhook URL and secret, listen addresses, log format."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from pressbot.config import Settings, describe_settings_error, parse_host_port


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def problem(**values: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        settings(**values)
    return describe_settings_error(caught.value)


def test_the_defaults_poll_and_log_text() -> None:
    defaults = settings()
    assert defaults.webhook_url is None and defaults.webhook_secret is None
    assert defaults.listen == "127.0.0.1:8080" and defaults.health_listen is None
    assert defaults.log_format == "text"


def test_empty_variables_count_as_unset() -> None:
    empty = settings(webhook_url="", webhook_secret="", health_listen="")
    assert empty.webhook_url is None and empty.webhook_secret is None
    assert empty.health_listen is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("0.0.0.0:80", ("0.0.0.0", 80)),  # noqa: S104 - parsing, not binding
        ("localhost:0", ("localhost", 0)),
        ("[::1]:9090", ("::1", 9090)),
    ],
)
def test_listen_addresses(value: str, expected: tuple[str, int]) -> None:
    assert parse_host_port(value) == expected
    assert settings(listen=value, health_listen=value).listen == value


@pytest.mark.parametrize("value", ["8080", ":8080", "host:", "host:http", "host:70000"])
def test_a_malformed_listen_address_names_the_variable(value: str) -> None:
    assert problem(listen=value).startswith("PRESSBOT_LISTEN is invalid: must be host:port")
    assert problem(health_listen=value).startswith("PRESSBOT_HEALTH_LISTEN is invalid")


def test_the_webhook_must_be_https() -> None:
    url = "https://press.example.org/tg/hook"
    assert settings(webhook_url=url).webhook_url == url
    assert "HTTPS" in problem(webhook_url="http://press.example.org/tg/hook")
    assert problem(webhook_url="press.example.org").startswith(
        "PRESSBOT_WEBHOOK_URL is invalid: must be an https:// URL"
    )
    assert problem(webhook_url="https://press.example.org/tg/{hook}") == (
        "PRESSBOT_WEBHOOK_URL is invalid: must not contain { or }"
    )


def test_a_malformed_secret_is_refused_without_being_echoed() -> None:
    assert settings(webhook_secret="A-z_09").webhook_secret is not None  # noqa: S106
    for bad in ("has space", "x" * 257, "ünïcode", "semi;colon"):
        message = problem(webhook_secret=bad)
        assert message.startswith("PRESSBOT_WEBHOOK_SECRET is invalid: must be 1-256 characters")
        assert bad not in message


def test_the_log_format_is_text_or_json() -> None:
    assert settings(log_format="json").log_format == "json"
    assert problem(log_format="xml").startswith("PRESSBOT_LOG_FORMAT is invalid")
