"""A real OpenID Provider for the tests: npm's certified `oidc-provider` (tests/oidc/, installed
by `make test`'s set-up), run by node as its own process on loopback.

`sign_in_at_provider` walks its development login form as a browser would (any login name
signs in; see tests/oidc/server.mjs for the accounts it makes up).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import httpx
from joserfc.jwk import RSAKey

from tests.servers import free_port

PROVIDER_DIR = Path(__file__).parent / "oidc"
CLIENT_ID = "taskflow"
CLIENT_SECRET = "taskflow-test-client-secret-0123456789"
OTHER_CLIENT_ID = "another-app"
TEST_CALLBACK = "http://test/api/v1/auth/oidc/callback"


def provider_missing() -> str | None:
    """Why the provider cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return "tests/oidc is not installed (make test installs it: cd tests/oidc && npm ci)"
    return None


def new_signing_key(kid: str) -> dict[str, Any]:
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})
    return dict(key.as_dict(private=True))


@dataclass
class OidcProvider:
    port: int
    redirect_uris: list[str]
    keys: list[dict[str, Any]] = field(default_factory=lambda: [new_signing_key("key-1")])
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, **overrides: object) -> dict[str, object]:
        """TaskFlow settings that use this provider."""
        return {
            "oidc_issuer": self.issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": CLIENT_SECRET,
            "oidc_name": "Test ID",
            **overrides,
        }

    def start(self, log_dir: Path) -> None:
        clients = [
            {
                "client_id": client_id,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": self.redirect_uris,
            }
            for client_id in (CLIENT_ID, OTHER_CLIENT_ID)
        ]
        env = {
            **os.environ,
            "OIDC_PORT": str(self.port),
            "OIDC_CLIENTS": json.dumps(clients),
            "OIDC_JWKS": json.dumps({"keys": self.keys}),
            "NODE_ENV": "development",
        }
        self.log_path = log_dir / f"oidc-provider-{self.port}-{time.monotonic_ns()}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                ["node", "server.mjs"],
                cwd=PROVIDER_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oidc-provider exited:\n{self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.issuer}/.well-known/openid-configuration").status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"oidc-provider did not start:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def rotate_keys(self, log_dir: Path, keys: list[dict[str, Any]]) -> None:
        """Restart with other signing keys (the first signs), on the same port."""
        self.stop()
        self.keys = keys
        self.start(log_dir)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""


@contextlib.contextmanager
def run_provider(log_dir: Path, redirect_uris: list[str] | None = None) -> Iterator[OidcProvider]:
    provider = OidcProvider(port=free_port(), redirect_uris=redirect_uris or [TEST_CALLBACK])
    provider.start(log_dir)
    try:
        yield provider
    finally:
        provider.stop()


async def sign_in_at_provider(authorization_url: str, login: str) -> str:
    """Follow the authorization URL, sign in as `login` and return where the provider sends
    the browser back (the callback URL with `code` and `state`)."""
    async with httpx.AsyncClient(timeout=10) as browser:
        url = authorization_url
        for _ in range(10):
            response = await browser.get(url)
            if response.status_code in (302, 303):
                target = urljoin(url, response.headers["location"])
                if not target.startswith(authorization_url.split("/auth")[0]):
                    return target  # left the provider: back to the client
                url = target
                continue
            assert response.status_code == 200, response.text
            assert 'name="prompt" value="login"' in response.text, response.text
            submitted = await browser.post(
                url, data={"prompt": "login", "login": login, "password": "anything"}
            )
            assert submitted.status_code in (302, 303), submitted.text
            url = urljoin(url, submitted.headers["location"])
        raise AssertionError("the provider never sent the browser back")


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlparse(url).query).items()}
