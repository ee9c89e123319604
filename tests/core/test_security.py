"""What docs/security.md promises of hashing: the same cost whether or not the account exists,
Argon2id's parameters, and refresh tokens stored as digests only."""

from __future__ import annotations

import asyncio
import hashlib
import resource
from typing import Any

import pytest
from argon2 import PasswordHasher, Type
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select

from taskflow.auth.models import RefreshToken
from taskflow.core import argon2id, security
from taskflow.core.argon2id import ReusingArgon2Hasher
from taskflow.db import Database
from tests.factories import login, make_user


async def test_an_unknown_user_costs_one_verification_as_a_wrong_password_does(
    app: FastAPI, client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_user(app, username="grace")
    verified: list[str] = []
    hasher = security.password_hash
    real_verify, real_verify_and_update = hasher.verify, hasher.verify_and_update

    def verify(password: str, hashed: Any) -> Any:
        verified.append("dummy" if hashed is security._DUMMY_HASH else "stored")
        return real_verify(password, hashed)

    def verify_and_update(password: str, hashed: Any) -> Any:
        verified.append("stored")
        return real_verify_and_update(password, hashed)

    monkeypatch.setattr(hasher, "verify", verify)
    monkeypatch.setattr(hasher, "verify_and_update", verify_and_update)
    wrong = await login(client, "grace", "not the password at all")
    unknown = await login(client, "nobody-here", "not the password at all")
    assert (wrong.status_code, unknown.status_code) == (401, 401)
    assert wrong.json() == unknown.json()
    assert verified == ["stored", "dummy"]  # one Argon2 verification each


async def test_passwords_are_argon2id_with_owasp_parameters_four_at_a_time_at_most() -> None:
    hashed = await security.hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert 1 <= security.HASHING_THREADS <= 4
    assert security._hashing_threads._max_workers == security.HASHING_THREADS


def test_the_reusing_hasher_makes_and_accepts_the_standard_strings() -> None:
    ours = ReusingArgon2Hasher(time_cost=2, memory_cost=19_456, parallelism=1)
    reference = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
    salt = b"0123456789abcdef"
    assert ours.hash("pässwörd", salt=salt) == reference.hash("pässwörd", salt=salt)
    assert ours.verify("pässwörd", reference.hash("pässwörd"))
    assert reference.verify(ours.hash("pässwörd"), "pässwörd")
    assert not ours.verify("wrong", reference.hash("pässwörd"))
    # Other parameters, other types: verified by what they say, or by argon2-cffi.
    assert ours.verify("x", PasswordHasher(time_cost=1, memory_cost=64, parallelism=2).hash("x"))
    argon2i = PasswordHasher(memory_cost=8, parallelism=1, type=Type.I).hash("x")
    assert ours.verify("x", argon2i)
    assert not ours.verify("y", argon2i)
    assert not ours.verify("x", "$argon2id$v=19$m=8,t=1,p=1$!!!$???")
    assert not ours.verify("x", "not a hash")


def _faults_of_a_hash() -> int:
    before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
    security.password_hash.hash("correct horse battery staple")
    return resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before


async def test_a_hash_reuses_a_pooled_block_instead_of_faulting_in_a_new_one() -> None:
    """The kernel time of a login (docs/benchmarks.md): while hashes queue, a hash faults in
    no new pages (a fresh 19 MiB block is 4,864 pages); there are never more blocks than
    hashes at once, and once the queue has drained the pool keeps one."""
    count = 6 * security.HASHING_THREADS
    faults = await asyncio.gather(
        *(security._in_hashing_thread(_faults_of_a_hash) for _ in range(count))
    )
    reused = [fault for fault in faults if fault < 200]
    # Only the hashes that found no idle block allocated one: at most one per thread.
    assert len(reused) >= count - security.HASHING_THREADS, faults
    assert argon2id.blocks_held() == 1


async def test_logins_one_at_a_time_reuse_the_kept_block() -> None:
    """A lone login (the common case) maps no fresh block: the pool kept one when the queue
    drained. Handing every block back made each such login fault in 4,864 pages (7 ms of
    kernel time against 0.05 ms for a plain argon2-cffi call)."""
    await security._in_hashing_thread(_faults_of_a_hash)  # the pool has its block
    faults = [await security._in_hashing_thread(_faults_of_a_hash) for _ in range(5)]
    assert all(fault < 200 for fault in faults), faults
    assert argon2id.blocks_held() == 1
    argon2id.release_blocks()
    assert argon2id.blocks_held() == 0


async def test_refresh_tokens_are_stored_as_their_sha256_only(
    app: FastAPI, client: AsyncClient
) -> None:
    await make_user(app, username="grace")
    refresh_token = (await login(client, "grace")).json()["refresh_token"]
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        stored = (await session.scalars(select(RefreshToken.token_hash))).all()
    assert hashlib.sha256(refresh_token.encode()).hexdigest() in stored
    assert refresh_token not in stored
    assert all(len(digest) == 64 and int(digest, 16) >= 0 for digest in stored)
