"""Settings: env names, fallbacks, the generated dev secret, production refusing weak secrets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from taskflow.config import (
    PUBLIC_URL_ENV,
    ConfigError,
    Settings,
    load_settings,
    serve_public_url,
)


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


# One case per form a setting takes; each must stop start-up with one line naming it.
@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("TASKFLOW_TRUSTED_PROXIES", "not-an-address", "is not an IP address or CIDR"),
        ("TASKFLOW_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.1/8", "has host bits set"),
        ("TASKFLOW_TRUSTED_PROXIES", "*", "would believe anyone's X-Forwarded-For"),
        ("TASKFLOW_CORS_ORIGINS", "https://a.example/app", "is not an origin"),
        ("TASKFLOW_CORS_ORIGINS", "tasks.example.com", "is not an origin"),
        ("TASKFLOW_CORS_ORIGINS", "*", "'*' is not allowed"),
        ("TASKFLOW_PUBLIC_URL", "https://", "is not an http:// or https:// URL with a host"),
        ("TASKFLOW_PUBLIC_URL", "https://tasks.example.com/?x=1", "URL with a host"),
        ("TASKFLOW_PUBLIC_URL", "https://tasks.example.com:https", "URL with a host"),
        ("TASKFLOW_DATABASE_URL", "postgresql://db:port/app", "is not a valid database URL"),
        ("TASKFLOW_DATABASE_URL", "postgresql://db:5432", "names no database"),
        ("TASKFLOW_REDIS_URL", "redis://cache:6379/zero", "must be a number"),
        ("TASKFLOW_REDIS_URL", "redis://cache:port", "is not a valid Redis URL"),
        ("TASKFLOW_SMTP_HOST", "smtp://mail.example.com", "is not a host name or IP address"),
        ("TASKFLOW_SMTP_HOST", "mail.example.com:25", "is not a host name or IP address"),
        ("TASKFLOW_EMAIL_FROM", "TaskFlow", "is not an address like"),
        ("TASKFLOW_EMAIL_FROM", "a@example.com\r\nBcc: x@example.com", "is not an address"),
        ("TASKFLOW_SMTP_PORT", "0", "greater than or equal to 1"),
        ("TASKFLOW_SMTP_PORT", "70000", "less than or equal to 65535"),
        ("TASKFLOW_WORKER_METRICS_PORT", "http", "valid integer"),
        ("TASKFLOW_LOGIN_MAX_ATTEMPTS", "0", "greater than or equal to 1"),
        ("TASKFLOW_DB_POOL_SIZE", "-5", "greater than or equal to 1"),
        ("TASKFLOW_DB_POOL_TIMEOUT", "inf", "finite number"),
        ("TASKFLOW_DB_CONNECT_TIMEOUT", "0", "greater than 0"),
        ("TASKFLOW_MAX_BODY_BYTES", "12", "greater than or equal to 1024"),
        ("TASKFLOW_SMTP_TLS", "ssl", "'none', 'starttls' or 'tls'"),
        ("TASKFLOW_LOG_LEVEL", "loud", "'DEBUG', 'INFO', 'WARNING' or 'ERROR'"),
        ("TASKFLOW_METRICS_ENABLED", "perhaps", "valid boolean"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None,
)
def test_each_setting_form_is_checked_at_start_up(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, complaint: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value.code)
    assert message.startswith(f"taskflow: invalid configuration: {name}: ")
    assert complaint in message
    assert "\n" not in message


def test_a_directory_setting_that_is_a_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("TASKFLOW_DATA_DIR", str(tmp_path / "file"))
    with pytest.raises(ConfigError, match=r"TASKFLOW_DATA_DIR: .* is not a directory"):
        load_settings()


def test_valid_forms_are_accepted_and_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKFLOW_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8, ::1, fd00::/8")
    monkeypatch.setenv("TASKFLOW_CORS_ORIGINS", "HTTPS://Tasks.Example.com:443/, http://[::1]:5173")
    monkeypatch.setenv("TASKFLOW_PUBLIC_URL", "https://example.com/taskflow/")
    monkeypatch.setenv("TASKFLOW_SMTP_HOST", "mail.example.com")
    monkeypatch.setenv("TASKFLOW_EMAIL_FROM", "Tasks <tasks@example.com>")
    monkeypatch.setenv("TASKFLOW_ENV", "Test")
    monkeypatch.setenv("TASKFLOW_LOG_LEVEL", "debug")
    monkeypatch.setenv("TASKFLOW_REDIS_URL", "redis://:secret@cache:6379/2")
    settings = load_settings()
    assert settings.trusted_proxies == ["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"]
    assert settings.cors_origins == ["https://tasks.example.com", "http://[::1]:5173"]
    assert settings.public_url == "https://example.com/taskflow"
    assert settings.smtp_host == "mail.example.com"
    assert (settings.env, settings.log_level) == ("test", "DEBUG")


def test_a_config_error_does_not_echo_a_database_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKFLOW_DATABASE_URL", "postgresql://u:hunter2@db:port/app")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert "hunter2" not in str(raised.value.code)


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8831"),
        ("0.0.0.0", "http://localhost:8831"),  # noqa: S104
        ("::", "http://localhost:8831"),
        ("::1", "http://[::1]:8831"),
        ("tasks.lan", "http://tasks.lan:8831"),
    ],
)
def test_serve_derives_the_public_url_from_host_and_port(
    monkeypatch: pytest.MonkeyPatch, host: str, url: str
) -> None:
    monkeypatch.setenv(PUBLIC_URL_ENV, "placeholder")  # so that the test's end restores it
    monkeypatch.delenv(PUBLIC_URL_ENV)
    settings = serve_public_url(Settings(_env_file=None), host, 8831)
    assert settings.public_url == url
    assert os.environ[PUBLIC_URL_ENV] == url  # what uvicorn's app processes will read
    assert load_settings().public_url == url


def test_serve_keeps_a_public_url_that_was_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PUBLIC_URL_ENV, "https://tasks.example.org")
    settings = serve_public_url(load_settings(), "127.0.0.1", 8831)
    assert settings.public_url == "https://tasks.example.org"
    assert os.environ[PUBLIC_URL_ENV] == "https://tasks.example.org"


def test_the_generated_dev_secret_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    Settings(_env_file=None, data_dir=tmp_path).signing_key()
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
