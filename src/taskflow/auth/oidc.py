"""OpenID Connect, the relying party's side of the protocol (authlib + joserfc).

`OidcClient` (one per app process, `app.state.oidc`) discovers the provider from
TASKFLOW_OIDC_ISSUER, builds the authorization request (code flow, PKCE S256, `state`,
`nonce`), trades the code for tokens and checks the ID token: signature by a key of the
provider's JWKS (refetched once when an unknown key id appears: key rotation), issuer,
audience, `azp`, expiry and issue time, nonce. Discovery and keys are cached for an hour.

What the sign-in then does with the identity (link or create an account, start a session)
lives in `auth.oidc_flow`.

authlib, joserfc and httpx are imported inside the methods that use them: every API worker
imports this module (the routes), few installs sign in with OpenID Connect, and authlib and
joserfc would add ~1.2 MB to each worker's RSS from start, httpx ~1 MB more (~5 MB where the
rich and pygments its command line loads are installed) (issue 22).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from taskflow.auth import clock
from taskflow.config import Settings

if TYPE_CHECKING:
    import httpx
    from joserfc.jwk import KeySet

logger = logging.getLogger("taskflow.security")

SCOPES = "openid email profile"
CACHE_SECONDS = 3600
# An unknown key id makes us fetch the JWKS again, but not more often than this: a stream of
# forged tokens must not turn into a stream of requests to the provider.
JWKS_REFETCH_SECONDS = 10
LEEWAY_SECONDS = 60
HTTP_TIMEOUT = 10.0
# Asymmetric algorithms only: `none` and the HMAC family (keyed with the client secret) are
# never accepted, whatever the provider advertises.
ACCEPTED_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class ProviderUnavailable(Exception):
    """The provider could not be reached or answered nonsense (discovery, keys, token)."""


class InvalidIdToken(Exception):
    """The ID token failed a check; the message says which (for the log, not the user)."""


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True, slots=True)
class Identity:
    """What a valid ID token says about the user."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str
    preferred_username: str


class OidcClient:
    def __init__(self, settings: Settings, *, redirect_uri: str) -> None:
        assert settings.oidc_issuer
        assert settings.oidc_client_id
        assert settings.oidc_client_secret
        self.issuer = settings.oidc_issuer
        self.client_id = settings.oidc_client_id
        self._client_secret = settings.oidc_client_secret.get_secret_value()
        self.redirect_uri = redirect_uri
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None
        self._keys_at = 0.0

    async def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (`/.well-known/openid-configuration`)."""
        if self._metadata is not None and clock.now() - self._metadata_at < CACHE_SECONDS:
            return self._metadata
        url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
        document = await _get_json(url)
        if str(document.get("issuer", "")).rstrip("/") != self.issuer.rstrip("/"):
            raise ProviderUnavailable(
                f"discovery names issuer {document.get('issuer')!r}, not {self.issuer!r}"
            )
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(field), str):
                raise ProviderUnavailable(f"discovery document has no {field}")
        self._metadata, self._metadata_at = document, clock.now()
        return document

    async def _key_set(self, *, refresh: bool = False) -> KeySet:
        from joserfc.errors import JoseError  # deferred: see the module's docstring
        from joserfc.jwk import KeySet

        fresh = clock.now() - self._keys_at < CACHE_SECONDS
        if self._keys is not None and fresh and not refresh:
            return self._keys
        if (
            self._keys is not None
            and refresh
            and clock.now() - self._keys_at < JWKS_REFETCH_SECONDS
        ):
            return self._keys
        metadata = await self.metadata()
        document = await _get_json(metadata["jwks_uri"])
        try:
            keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError) as error:
            raise ProviderUnavailable(f"unreadable JWKS: {error}") from error
        self._keys, self._keys_at = keys, clock.now()
        return keys

    async def authorization_request(self) -> AuthorizationRequest:
        from authlib.common.urls import add_params_to_uri  # deferred: see the module's docstring
        from authlib.oauth2.rfc7636 import create_s256_code_challenge

        metadata = await self.metadata()
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)
        url = add_params_to_uri(
            metadata["authorization_endpoint"],
            [
                ("response_type", "code"),
                ("client_id", self.client_id),
                ("redirect_uri", self.redirect_uri),
                ("scope", SCOPES),
                ("state", state),
                ("nonce", nonce),
                ("code_challenge", create_s256_code_challenge(verifier)),
                ("code_challenge_method", "S256"),
            ],
        )
        return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)

    async def exchange_code(self, code: str, code_verifier: str) -> dict[str, Any]:
        """The token endpoint's answer for an authorization code (with the PKCE verifier)."""
        import httpx  # deferred: see the module's docstring

        metadata = await self.metadata()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": code_verifier,
        }
        methods = metadata.get("token_endpoint_auth_methods_supported") or []
        auth: httpx.BasicAuth | None = None
        if "client_secret_basic" in methods or not methods:
            # RFC 6749 §2.3.1: both are form-encoded before they go into the Basic header.
            auth = httpx.BasicAuth(
                quote(self.client_id, safe=""), quote(self._client_secret, safe="")
            )
        else:
            form |= {"client_id": self.client_id, "client_secret": self._client_secret}
        try:
            async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
                response = await http.post(
                    metadata["token_endpoint"],
                    data=form,
                    auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                    headers={"Accept": "application/json"},
                )
        except httpx.HTTPError as error:
            raise ProviderUnavailable(f"token endpoint: {error!r}") from error
        if response.status_code >= 500:
            raise ProviderUnavailable(f"token endpoint answered {response.status_code}")
        try:
            token = response.json()
        except ValueError:
            token = None
        if response.status_code != 200 or not isinstance(token, dict):
            raise InvalidIdToken(
                f"token endpoint refused the code: {response.status_code} {response.text[:200]!r}"
            )
        return token

    async def validate_id_token(
        self, id_token: str, *, nonce: str, access_token: str | None = None
    ) -> Identity:
        """Every check OpenID Connect Core §3.1.3.7 asks of a client, or InvalidIdToken."""
        from authlib.oidc.core import CodeIDToken  # deferred: see the module's docstring
        from joserfc import jwt
        from joserfc.errors import InvalidKeyIdError, JoseError
        from joserfc.jws import JWSRegistry

        metadata = await self.metadata()
        advertised = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [alg for alg in advertised if alg in ACCEPTED_ALGORITHMS]
        if not algorithms:
            raise InvalidIdToken(f"no acceptable signing algorithm among {advertised!r}")
        registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
        try:
            try:
                token = jwt.decode(id_token, await self._key_set(), registry=registry)
            except (InvalidKeyIdError, ValueError) as error:
                # A key id we do not know: the provider may have rotated its keys.
                logger.info(
                    "ID token signed by an unknown key (%s); fetching the JWKS again", error
                )
                token = jwt.decode(id_token, await self._key_set(refresh=True), registry=registry)
        except (JoseError, ValueError, TypeError) as error:
            raise InvalidIdToken(f"signature: {error!r}") from error
        params: dict[str, Any] = {"nonce": nonce, "client_id": self.client_id}
        if access_token is not None:
            params["access_token"] = access_token
        claims = CodeIDToken(
            token.claims,
            token.header,
            {
                "iss": {"essential": True, "value": metadata["issuer"]},
                "aud": {"essential": True, "value": self.client_id},
                "nonce": {"essential": True},
            },
            params,
        )
        try:
            claims.validate(now=int(clock.now()), leeway=LEEWAY_SECONDS)
        except (JoseError, ValueError, TypeError) as error:
            raise InvalidIdToken(f"claims: {error!r}") from error
        return Identity(
            issuer=str(claims["iss"]),
            subject=str(claims["sub"]),
            email=_string(claims.get("email")),
            email_verified=claims.get("email_verified") is True,
            name=_string(claims.get("name")) or "",
            preferred_username=_string(claims.get("preferred_username")) or "",
        )


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


async def _get_json(url: str) -> dict[str, Any]:
    import httpx  # deferred: see the module's docstring

    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
            response = await http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            document = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error!r}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return document
