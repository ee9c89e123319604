"""The `taskflow` command: serve, migrate, create-superuser, worker, openapi."""

from __future__ import annotations

import asyncio
import json
import logging
import sys

import click

from taskflow.config import Settings, load_settings, serve_public_url
from taskflow.core.logging import configure_logging

logger = logging.getLogger("taskflow.cli")


def _load_and_log() -> Settings:
    """Settings, then logging as the app does it: in production every line is one JSON object,
    this command's own lines (and alembic's) included."""
    settings = load_settings()
    configure_logging(json_lines=settings.is_production, level=settings.log_level)
    return settings


@click.group()
def main() -> None:
    """TaskFlow: a self-hostable, multi-user task manager."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API and the web app (migrates the embedded SQLite database first)."""
    import uvicorn

    # Unset TASKFLOW_PUBLIC_URL: links in emails point at this host and port.
    settings = serve_public_url(_load_and_log(), host, port)
    settings.signing_key()  # generated once, before several workers race for it
    if settings.is_sqlite:
        from taskflow.migrations.runner import upgrade_database

        asyncio.run(upgrade_database(settings))
    address = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    logger.info(
        "TaskFlow serving on %s (%s)",
        address,
        settings.env,
        extra={"address": address, "workers": workers, "public_url": settings.public_url},
    )
    uvicorn.run(
        "taskflow.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # Proxy headers are handled by the app from TASKFLOW_TRUSTED_PROXIES, not by uvicorn.
        proxy_headers=False,
        server_header=False,
        log_config=None,
        access_log=False,  # the app logs every request itself (core.middleware)
        timeout_graceful_shutdown=10,
    )


@main.command()
def migrate() -> None:
    """Apply pending database migrations."""
    from taskflow.migrations.runner import upgrade_database

    settings = _load_and_log()
    asyncio.run(upgrade_database(settings))
    logger.info("database is up to date")


@main.command("create-superuser")
@click.option("--email", required=True)
@click.option("--username", required=True)
def create_superuser(email: str, username: str) -> None:
    """Create a superuser (password from TASKFLOW_SUPERUSER_PASSWORD or a prompt)."""
    from taskflow.auth.admin import create_superuser_from_cli

    settings = load_settings()
    password = _superuser_password(settings)
    try:
        user_id = asyncio.run(create_superuser_from_cli(settings, email, username, password))
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"superuser {username} created (id {user_id})")


def _superuser_password(settings: Settings) -> str:
    if settings.superuser_password is not None:
        return settings.superuser_password.get_secret_value()
    if not sys.stdin.isatty():
        raise click.ClickException("set TASKFLOW_SUPERUSER_PASSWORD or run in a terminal")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@main.command()
def worker() -> None:
    """Run the background job worker (needs TASKFLOW_REDIS_URL)."""
    import taskflow.jobs  # noqa: F401  (registers every domain's jobs)
    from taskflow.core.worker import run_worker

    run_worker(load_settings())


@main.command()
def openapi() -> None:
    """Print the OpenAPI schema as JSON."""
    from taskflow.main import create_app

    app = create_app(load_settings())
    click.echo(json.dumps(app.openapi(), indent=2, sort_keys=False))
