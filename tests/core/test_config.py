"""Settings: env names, fallbacks, the generated dev secret, production refusing weak secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskflow.config import ConfigError, Settings, load_settings


def test_defaults_use_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'taskflow.db').resolve()}"
    assert settings.is_sqlite
    assert settings.access_token_expire_minutes == 15
    assert settings.refresh_token_expire_days == 30
    assert settings.login_max_attempts == 5
    assert settings.register_max_per_hour == 20
    assert settings.public_url == "http://127.0.0.1:8000"
    assert settings.redis_url is None


def test_database_and_redis_url_fall_back_to_unprefixed_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/app")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    settings = load_settings()
    assert settings.database_url == "postgresql://u@db/app"
    assert settings.redis_url == "redis://cache:6379/0"


def test_prefixed_names_win_over_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/other")
    monkeypatch.setenv("TASKFLOW_DATABASE_URL", "postgresql://u@db/app")
    assert load_settings().database_url == "postgresql://u@db/app"


def test_comma_separated_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKFLOW_TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16")
    monkeypatch.setenv("TASKFLOW_CORS_ORIGINS", "https://a.example,https://b.example")
    settings = load_settings()
    assert settings.trusted_proxies == ["10.0.0.1", "192.168.0.0/16"]
    assert settings.cors_origins == ["https://a.example", "https://b.example"]


def test_env_file_is_read_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("TASKFLOW_ACCESS_TOKEN_EXPIRE_MINUTES=42\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings().access_token_expire_minutes == 42


def test_production_without_secret_refuses_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TASKFLOW_ENV", "production")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value.code)
    assert "\n" not in message
    assert "TASKFLOW_SECRET_KEY" in message


def test_production_with_short_secret_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKFLOW_ENV", "production")
    monkeypatch.setenv("TASKFLOW_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="TASKFLOW_SECRET_KEY"):
        load_settings()


def test_production_with_strong_secret_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKFLOW_ENV", "production")
    monkeypatch.setenv("TASKFLOW_SECRET_KEY", "k" * 40)
    settings = load_settings()
    assert settings.is_production
    assert settings.signing_key() == "k" * 40


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TASKFLOW_ENV", "staging"),
        ("TASKFLOW_ACCESS_TOKEN_EXPIRE_MINUTES", "soon"),
        ("TASKFLOW_DATABASE_URL", "mysql://db/app"),
        ("TASKFLOW_REDIS_URL", "http://cache"),
        ("TASKFLOW_SMTP_TLS", "maybe"),
        ("TASKFLOW_PUBLIC_URL", "example.com"),
    ],
)
def test_invalid_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value.code)
    assert message.startswith(f"taskflow: invalid configuration: {name}:")
    assert "\n" not in message


def test_dev_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    first = settings.signing_key()
    assert len(first) >= 32
    assert (tmp_path / "secret_key").read_text().strip() == first
    again = Settings(_env_file=None, data_dir=tmp_path)
    assert again.signing_key() == first
