"""Password hashing (Argon2id, off the event loop) and access tokens (JWT HS256, pinned)."""

from __future__ import annotations

import asyncio
import ctypes
import hashlib
import os
import secrets
import sys
import unicodedata
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, TypeVar

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.bcrypt import BcryptHasher

from taskflow.core.argon2id import ReusingArgon2Hasher, release_blocks

ALGORITHM = "HS256"
ACCESS_TOKEN_TYPE = "access"  # noqa: S105  (a claim value, not a secret)
REQUIRED_CLAIMS = ("sub", "sid", "exp", "iat", "jti", "type")
_T = TypeVar("_T")

# Argon2id with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane): about 50 ms here,
# where argon2-cffi's defaults (64 MiB, 3 passes, 4 lanes) take ~700 ms on two cores and
# 64 MiB per login in flight. Hashes made with other parameters are re-hashed at next login.
# bcrypt only verifies hashes from older installs.
# The 19 MiB blocks are pooled and reused hash after hash (core/argon2id.py).
password_hash = PasswordHash(
    (ReusingArgon2Hasher(time_cost=2, memory_cost=19_456, parallelism=1), BcryptHasher())
)
# Hashing is CPU-bound and memory-hungry: a few at a time, in threads of its own (at most one
# per core, and 4), so at most HASHING_THREADS blocks exist. While hashes queue, each reuses
# a block another hash gave back (logins under load pay no kernel time); once the queue is
# empty, the pool keeps one block (19 MiB) for the next login and frees the others.
HASHING_THREADS = max(1, min(4, os.cpu_count() or 1))
_hashing_threads = ThreadPoolExecutor(HASHING_THREADS, thread_name_prefix="argon2id")


def _hash_then_maybe_release(function: Callable[[], _T]) -> _T:
    try:
        return function()
    finally:
        # No hash waits (an idle thread would have taken it): keep one block for the next
        # login, free the others. While hashes queue, the blocks go from hash to hash.
        if _hashing_threads._work_queue.empty():
            release_blocks(keep=1)


async def _in_hashing_thread(function: Callable[[], _T]) -> _T:
    return await asyncio.get_running_loop().run_in_executor(
        _hashing_threads, _hash_then_maybe_release, function
    )


# glibc raises its mmap threshold to the size of the first large block freed, after which such
# blocks come from per-thread heaps that are never handed back: when argon2-cffi malloc'd
# Argon2id's 19 MiB block per hash, a worker that served logins kept ~95 MB more RSS for good
# (docs/benchmarks.md). A fixed 1 MiB threshold keeps large blocks mmap'd, returned to the
# system when freed; Argon2id's block no longer goes through malloc per hash.
_M_MMAP_THRESHOLD = -3


def _return_large_blocks_to_the_system() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 1 << 20)
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to tune
        return


_return_large_blocks_to_the_system()


def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so both answers take the same
    time. Made at import, which then frees its 19 MiB block: a process that never logs anyone
    in (a job worker, the CLI) holds none (issue 22)."""
    try:
        return password_hash.hash(secrets.token_urlsafe(16))
    finally:
        release_blocks()


_DUMMY_HASH = _dummy_hash()


def normalize_password(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


async def hash_password(password: str) -> str:
    normalized = normalize_password(password)
    return await _in_hashing_thread(lambda: password_hash.hash(normalized))


async def verify_password(password: str, hashed: str | None) -> tuple[bool, str | None]:
    """(matches, new hash to store or None). A missing hash still costs one verification."""

    def verify() -> tuple[bool, str | None]:
        normalized = normalize_password(password)
        if hashed is None:
            password_hash.verify(normalized, _DUMMY_HASH)
            return False, None
        try:
            return password_hash.verify_and_update(normalized, hashed)
        except Exception:  # an unreadable stored hash is a failed login, not a crash
            return False, None

    return await _in_hashing_thread(verify)


def new_opaque_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """How opaque tokens are stored: SHA-256 hex (they are random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    session_id: int
    expires_at: datetime
    # `iat`, whole seconds (rounded down): the token is refused if its session or user is newer.
    issued_at: datetime


def create_access_token(
    key: str, *, user_id: int, session_id: int, lifetime: timedelta
) -> tuple[str, int]:
    """(token, lifetime in seconds)."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "sid": str(session_id),
        "iat": now,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
        "type": ACCESS_TOKEN_TYPE,
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM), int(lifetime.total_seconds())


def decode_access_token(key: str, token: str) -> AccessClaims | None:
    """The claims of a valid access token; None for anything else (never raises)."""
    claims = _verified_claims(key, token)
    if claims is None or claims.expires_at <= datetime.now(UTC):
        return None
    return claims


@lru_cache(maxsize=4096)
def _verified_claims(key: str, token: str) -> AccessClaims | None:
    """The claims of a token whose signature, algorithm, type and claims check out, its
    expiry aside (the caller checks it at every use).

    Memoized: a client sends the same access token with every request until it expires, and
    checking it (base64, two JSON documents, HMAC, the claims) was a tenth of an
    authenticated request's CPU (docs/benchmarks.md). Only the exact string that passed
    before is a hit, and it is bound to the key it passed with.
    """
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"require": list(REQUIRED_CLAIMS), "verify_exp": False},
        )
    except (jwt.InvalidTokenError, ValueError, TypeError):
        return None
    if claims.get("type") != ACCESS_TOKEN_TYPE:
        return None
    user_id, session_id = _id_claim(claims.get("sub")), _id_claim(claims.get("sid"))
    if user_id is None or session_id is None:
        return None
    try:
        expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
        issued_at = datetime.fromtimestamp(int(claims["iat"]), UTC)
    except (ValueError, TypeError, OverflowError, OSError):
        return None
    return AccessClaims(
        user_id=user_id, session_id=session_id, expires_at=expires_at, issued_at=issued_at
    )


def _id_claim(value: object) -> int | None:
    """A database id written as a string: ASCII digits that fit a BIGINT."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None
