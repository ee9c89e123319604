"""Settings: every knob TaskFlow has, read from the environment, then `.env`."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from taskflow import config_forms as forms

Environment = Literal["development", "test", "production"]
SmtpTls = Literal["none", "starttls", "tls"]

MIN_SECRET_LENGTH = 32
SECRET_FILE_NAME = "secret_key"  # noqa: S105  (a file name, not a secret)
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
PUBLIC_URL_ENV = "TASKFLOW_PUBLIC_URL"


def _split_csv(value: object) -> object:
    """`a, b,c` -> ["a", "b", "c"]; lists pass through (for code that builds Settings)."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    """TaskFlow configuration. Env names are `TASKFLOW_<FIELD>` unless an alias says otherwise."""

    model_config = SettingsConfigDict(
        env_prefix="TASKFLOW_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    env: Environment = "development"
    data_dir: Path = Path("./data")
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("TASKFLOW_DATABASE_URL", "DATABASE_URL")
    )
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("TASKFLOW_REDIS_URL", "REDIS_URL")
    )
    secret_key: SecretStr | None = None

    access_token_expire_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_expire_days: int = Field(default=30, ge=1, le=365)
    refresh_token_idle_days: int = Field(default=14, ge=1, le=365)
    login_max_attempts: int = Field(default=5, ge=1)
    register_max_per_hour: int = Field(default=20, ge=1)
    password_reset_max_per_hour: int = Field(default=5, ge=1)
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Unset: `taskflow serve` derives it from its --host and --port (served_public_url()).
    public_url: str = DEFAULT_PUBLIC_URL

    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: SmtpTls = "starttls"
    email_from: str = "TaskFlow <taskflow@localhost>"

    # OpenID Connect sign-in (SPEC §11): on when the issuer, client id and secret are all set.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = Field(default=None, max_length=255)
    oidc_client_secret: SecretStr | None = None
    oidc_name: str = Field(default="OpenID Connect", min_length=1, max_length=60)
    oidc_auto_register: bool = True

    # Database pool (PostgreSQL); SQLite uses its own small pool. No overflow by default: an
    # overflow connection is closed as soon as it is returned to a full pool, so a steady
    # load above the pool size opened and closed connections all the time (a server
    # process, an SSL handshake and SQLAlchemy's set-up queries each). The same 20 at most,
    # kept once opened (docs/benchmarks.md).
    db_pool_size: int = Field(default=20, ge=1)
    db_max_overflow: int = Field(default=0, ge=0)
    db_pool_timeout: float = Field(default=5.0, gt=0, allow_inf_nan=False)
    db_pool_recycle: int = Field(default=1800, ge=-1)
    db_connect_timeout: float = Field(default=5.0, gt=0, allow_inf_nan=False)
    db_statement_timeout_ms: int = Field(default=30_000, ge=0)

    superuser_password: SecretStr | None = None

    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_import_bytes: int = Field(default=50 * 1_048_576, ge=1024)
    metrics_enabled: bool = True
    # `taskflow worker` serves its own /metrics (job outcomes) on this port when set.
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # prometheus_client's own variable (gunicorn_conf sets it for its workers): where every
    # process of one server writes its samples, so that one scrape sums them (core/metrics.py).
    prometheus_multiproc_dir: Path | None = Field(
        default=None, validation_alias=AliasChoices("PROMETHEUS_MULTIPROC_DIR")
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    activity_retention_days: int = Field(default=365, ge=1)
    # What is in the trash is purged for good this long after its deletion (SPEC §10).
    trash_retention_days: int = Field(default=30, ge=1, le=36_500)
    # Webhooks (docs/integrations.md): targets on loopback/private/link-local/metadata
    # addresses are refused unless this is set (tests, a receiver on the private network).
    webhook_allow_private: bool = False
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60, allow_inf_nan=False)
    # Attempt n+1 waits base * 2**(n-1): 1, 2, 4, ... 32 minutes, 7 attempts over ~63 min.
    webhook_retry_base_seconds: float = Field(default=60.0, gt=0, allow_inf_nan=False)

    # Attachments (docs/attachments.md): a directory, or an S3-compatible bucket.
    max_attachment_bytes: int = Field(default=25 * 1_048_576, ge=1)
    storage_dir: Path | None = None  # default: <data dir>/files
    storage_url: str | None = None  # s3://bucket/prefix
    s3_endpoint_url: str | None = None
    aws_access_key_id: str | None = Field(
        default=None, validation_alias=AliasChoices("AWS_ACCESS_KEY_ID")
    )
    aws_secret_access_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("AWS_SECRET_ACCESS_KEY")
    )
    aws_session_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("AWS_SESSION_TOKEN")
    )
    aws_region: str | None = Field(
        default=None, validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION")
    )

    @field_validator("trusted_proxies", "cors_origins", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("env", "smtp_tls", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: list[str]) -> list[str]:
        return [forms.ip_or_network(item) for item in value]

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        if "*" in value:
            raise ValueError("'*' is not allowed (credentials are sent): list the origins")
        return [forms.origin(item) for item in value]

    @field_validator("smtp_host")
    @classmethod
    def _smtp_host(cls, value: str | None) -> str | None:
        return forms.host_name(value) if value else None

    @field_validator("email_from")
    @classmethod
    def _email_from(cls, value: str) -> str:
        return forms.mailbox(value)

    @field_validator("storage_url")
    @classmethod
    def _storage_url(cls, value: str | None) -> str | None:
        return forms.s3_url(value) if value else None

    @field_validator("s3_endpoint_url")
    @classmethod
    def _s3_endpoint_url(cls, value: str | None) -> str | None:
        return forms.http_url(value) if value else None

    @field_validator("data_dir", "prometheus_multiproc_dir", "storage_dir")
    @classmethod
    def _directory(cls, value: Path | None) -> Path | None:
        if value is not None and value.exists() and not value.is_dir():
            raise ValueError(f"{str(value)!r} exists and is not a directory")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        return forms.database_url(value) if value else None

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        return forms.redis_url(value) if value else None

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        return forms.http_url(value)

    @field_validator("oidc_issuer")
    @classmethod
    def _oidc_issuer(cls, value: str | None) -> str | None:
        return forms.http_url(value) if value else None

    @field_validator("oidc_client_id", "oidc_name", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _oidc_complete(self) -> Settings:
        named = {
            "TASKFLOW_OIDC_ISSUER": bool(self.oidc_issuer),
            "TASKFLOW_OIDC_CLIENT_ID": bool(self.oidc_client_id),
            "TASKFLOW_OIDC_CLIENT_SECRET": bool(
                self.oidc_client_secret and self.oidc_client_secret.get_secret_value()
            ),
        }
        if any(named.values()) and not all(named.values()):
            missing = next(name for name, present in named.items() if not present)
            given = next(name for name, present in named.items() if present)
            raise ValueError(f"{missing} must be set too when {given} is (OpenID Connect sign-in)")
        if (
            self.env == "production"
            and self.oidc_issuer
            and not self.oidc_issuer.startswith("https://")
        ):
            raise ValueError(
                "TASKFLOW_OIDC_ISSUER must be an https:// URL when TASKFLOW_ENV=production"
            )
        return self

    @model_validator(mode="after")
    def _production_needs_a_secret(self) -> Settings:
        if self.env == "production":
            key = self.secret_key.get_secret_value() if self.secret_key else ""
            if len(key) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"TASKFLOW_SECRET_KEY must be set to at least {MIN_SECRET_LENGTH} characters "
                    "when TASKFLOW_ENV=production"
                )
        elif (
            self.secret_key is not None
            and len(self.secret_key.get_secret_value()) < MIN_SECRET_LENGTH
        ):
            raise ValueError(f"TASKFLOW_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters")
        return self

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or the SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'taskflow.db').resolve()}"

    @property
    def resolved_storage_dir(self) -> Path:
        """Where the directory storage keeps files: TASKFLOW_STORAGE_DIR or <data dir>/files."""
        return self.storage_dir if self.storage_dir is not None else self.data_dir / "files"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def public_url_configured(self) -> bool:
        """TASKFLOW_PUBLIC_URL was given (environment or `.env`), not left at its default."""
        return "public_url" in self.model_fields_set

    def signing_key(self) -> str:
        """The JWT key: configured, or (outside production) generated once into the data dir."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / SECRET_FILE_NAME
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            # O_EXCL: when several workers start at once only one writes the key
            try:
                with path.open("x", encoding="utf-8") as handle:
                    handle.write(secrets.token_urlsafe(48))
                path.chmod(0o600)
            except FileExistsError:
                pass
        key = path.read_text(encoding="utf-8").strip()
        if len(key) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"the generated secret in {path} is too short; delete it to regenerate"
            )
        return key


class ConfigError(SystemExit):
    """Stops start-up with one line naming the setting."""

    def __init__(self, message: str) -> None:
        super().__init__(f"taskflow: invalid configuration: {message}")


def _env_name(location: tuple[int | str, ...]) -> str:
    field = str(location[0]) if location else "settings"
    if field.isupper():  # already an env name (a field read through an alias)
        return field
    return f"TASKFLOW_{field.upper()}"


def load_settings() -> Settings:
    """Build Settings, turning a validation error into one clear line."""
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["loc"]:
            raise ConfigError(f"{_env_name(first['loc'])}: {message}") from None
        raise ConfigError(message) from None


def served_url(host: str, port: int) -> str:
    """The URL a browser on this machine opens for `taskflow serve --host H --port P`."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104  (every interface: this machine is localhost)
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve_public_url(settings: Settings, host: str, port: int) -> Settings:
    """When TASKFLOW_PUBLIC_URL is unset, links in emails point at what `serve` serves.

    The app processes uvicorn starts build their own Settings from the environment, so the
    derived URL is handed to them there (the one place besides Settings that touches it).
    """
    if settings.public_url_configured:
        return settings
    url = served_url(host, port)
    os.environ[PUBLIC_URL_ENV] = url
    return settings.model_copy(update={"public_url": url})


@lru_cache
def get_settings() -> Settings:
    return load_settings()
