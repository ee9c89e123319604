"""What importing the app loads and holds: the libraries of rare requests and of the worker's
jobs wait for their first use, so that every API worker starts small (issue 22: RSS per worker
at most 150 MB after 1,000 logins)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.servers import server_env

# Each is imported inside the function that uses it (with a comment saying why); a module-level
# import anywhere under create_app() brings it back into every worker.
DEFERRED = (
    "lark",  # filter expressions: tasks/filter_grammar.py
    "regex",  # lark's and dateparser's
    "dateparser",  # quick add's and the Todoist import's dates
    "icalendar",  # the calendar feed: feeds/ics.py
    "jinja2",  # notification emails (a job)
    "aiosmtplib",  # sending email (a job)
    "PIL",  # thumbnails (a job)
    "authlib",  # OpenID Connect sign-in
    "joserfc",  # OpenID Connect sign-in
    "httpx",  # OpenID Connect sign-in, webhook deliveries (a job)
    "obstore",  # S3 storage
)

_PROBE = """
import json, sys
from taskflow.core import argon2id
from taskflow.main import create_app
create_app()
print(json.dumps({"modules": sorted(sys.modules), "blocks_held": argon2id.blocks_held()}))
"""


@pytest.fixture(scope="module")
def started_app(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """sys.modules and the Argon2id blocks held after create_app() in a fresh interpreter."""
    data_dir: Path = tmp_path_factory.mktemp("data")
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env=server_env(data_dir, {}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return probe


@pytest.mark.parametrize("library", DEFERRED)
def test_create_app_leaves_a_library_of_rare_requests_or_jobs_unimported(
    started_app: dict[str, Any], library: str
) -> None:
    loaded = [name for name in started_app["modules"] if name.split(".")[0] == library]
    assert loaded == [], (
        f"{library} is imported by create_app(): import it where it is used instead "
        "(`python -X importtime -c 'import taskflow.main'` shows who imports it)"
    )


def test_importing_the_app_holds_no_argon2id_block(started_app: dict[str, Any]) -> None:
    # The dummy hash made at import must hand its thread's 19 MiB block back.
    assert started_app["blocks_held"] == 0
