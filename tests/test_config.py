from pathlib import Path

import pytest
from pydantic import ValidationError

from pressbot.config import DEFAULT_API_BASE_URL, Settings, describe_settings_error
from pressbot.config.values import comma_separated
from pressbot.core.sources import SourceUrl
from pressbot.delivery.engine import EngineSettings
from pressbot.ingest.polling import IngestSettings

TOKEN = "123456:AAF-secret-part"


def settings_error(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for name, value in env.items():
        monkeypatch.setenv(f"PRESSBOT_{name}", value)
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)  # type: ignore[call-arg]
    return describe_settings_error(caught.value)


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSBOT_BOT_TOKEN", TOKEN)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.require_token() == TOKEN
    assert settings.api_base_url == DEFAULT_API_BASE_URL
    assert settings.admin_ids == frozenset()
    assert settings.db_path == Path("pressbot.sqlite3")
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)


def test_admin_ids_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSBOT_ADMIN_IDS", " 111, 222 ,")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.admin_ids == frozenset({111, 222})


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"ADMIN_IDS": "111,abc"}, "PRESSBOT_ADMIN_IDS is invalid: must be comma-separated"),
        ({"ADMIN_IDS": "-100123"}, "PRESSBOT_ADMIN_IDS is invalid: user ids are positive"),
        ({"API_BASE_URL": "ftp://x"}, "PRESSBOT_API_BASE_URL is invalid: must be an http"),
        ({"BOT_TOKEN": "not-a-token"}, "PRESSBOT_BOT_TOKEN is invalid: must look like"),
        ({"EXTRA_KINDS": "Interview"}, "PRESSBOT_EXTRA_KINDS is invalid: must be comma-sep"),
        ({"EXTRA_KINDS": "event=Event"}, "PRESSBOT_EXTRA_KINDS is invalid: the kind 'event' is"),
        ({"POST_KINDS": "memo"}, "PRESSBOT_POST_KINDS is invalid: must be comma-separated kinds"),
        (
            {"FEED_URLS": "https://e.example/en.xml, de=https://e.example/de.xml"},
            "PRESSBOT_FEED_URLS is invalid: a source's language is one of en, ru, as in"
            " ru=https://…; got 'de=https://e.example/de.xml'",
        ),
        (
            {"PAGE_URLS": "=https://e.example/ru/"},
            "PRESSBOT_PAGE_URLS is invalid: a source's language is one of en, ru, as in"
            " ru=https://…; got '=https://e.example/ru/'",
        ),
        ({"FEED_URLS": "ru="}, "PRESSBOT_FEED_URLS is invalid: must be http:// or https:// URLs"),
        (
            {"FEED_URLS": "ru=ftp://e.example/x"},
            "PRESSBOT_FEED_URLS is invalid: must be http:// or https:// URLs;"
            " got 'ru=ftp://e.example/x'",
        ),
        (
            {"FEED_URLS": "ru=https://e.example/a.xml, https://e.example/a.xml"},
            "PRESSBOT_FEED_URLS is invalid: https://e.example/a.xml is given in two languages,"
            " ru and en: a source writes in one",
        ),
    ],
)
def test_a_malformed_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], line: str
) -> None:
    message = settings_error(monkeypatch, **env)
    assert message.startswith(line)
    assert "not-a-token" not in message  # a bad token is still a secret


def test_a_website_source_may_name_its_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "PRESSBOT_FEED_URLS",
        "ru=https://e.example/ru.xml, EN = https://e.example/en.xml, https://e.example/f?lang=ru",
    )
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.feed_urls == (
        SourceUrl("https://e.example/ru.xml", "ru"),
        SourceUrl("https://e.example/en.xml", "en"),
        SourceUrl("https://e.example/f?lang=ru", "en"),  # an "=" in the URL names no language
    )


def test_settings_are_read_from_a_dotenv_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"PRESSBOT_BOT_TOKEN={TOKEN}\nPRESSBOT_DB_PATH=x.db\n", encoding="utf-8")
    settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    assert settings.require_token() == TOKEN and settings.db_path == Path("x.db")


def test_configured_kinds_follow_the_built_in_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSBOT_EXTRA_KINDS", "interview=Interview|Интервью, briefing=Briefing")
    monkeypatch.setenv("PRESSBOT_POST_KINDS", "statement,interview")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.kinds == (
        "press_release",
        "statement",
        "event",
        "consular_alert",
        "interview",
        "briefing",
    )
    assert settings.post_kinds == ("statement", "interview")
    assert [dict(kind.labels) for kind in settings.extra_kinds] == [
        {"en": "Interview", "ru": "Интервью"},
        {"en": "Briefing", "ru": "Briefing"},  # no Russian label given: the English one
    ]


def test_seeding_is_on_unless_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).seed is True  # type: ignore[call-arg]
    monkeypatch.setenv("PRESSBOT_SEED", "false")
    assert Settings(_env_file=None).seed is False  # type: ignore[call-arg]
    assert settings_error(monkeypatch, SEED="perhaps").startswith("PRESSBOT_SEED is invalid: ")


ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_the_readme_table_and_in_env_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        variable = f"PRESSBOT_{name.upper()}"
        assert f"| `{variable}` |" in readme, variable
        assert f"{variable}=" in example, variable


def test_a_comma_separated_list_is_read_one_way() -> None:
    assert comma_separated(" b, a,,b , ") == ("b", "a")
    assert comma_separated("") == ()


def test_the_engine_and_the_website_polling_get_their_settings_from_settings() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        broadcast_rate=20.0,
        paid_broadcast=True,
        delivery_retry_base=3.0,
        delivery_deadline=600.0,
        feed_interval=900.0,
        feed_autopublish=True,
        feed_kinds="news=event",
        feed_timeout=5.0,
    )
    assert settings.engine_settings() == EngineSettings(
        rate=20.0, paid_broadcast=True, retry_base=3.0, deadline=600.0
    )
    assert settings.ingest_settings() == IngestSettings(
        interval=900.0, autopublish=True, kinds=(("news", "event"),), timeout=5.0
    )
