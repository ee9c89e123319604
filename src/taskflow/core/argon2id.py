"""Argon2id on a memory block each hashing thread keeps, instead of one malloc'd per hash.

Argon2id with OWASP's parameters fills a 19 MiB block per hash. Through argon2-cffi, libargon2
mallocs and frees it every time; with glibc's large blocks mmap'd (`security.py` fixes the
threshold at 1 MiB so that RSS stays bounded), every hash then maps, faults in and zeroes
4,864 fresh pages: ~12 ms of kernel time per login against 0.5 ms for the same call reusing
heap memory (docs/benchmarks.md). libargon2 lets its caller supply the block
(`allocate_cbk`/`free_cbk` of `argon2_context`): each of the few hashing threads
(`security.py`) allocates one block and lends it to every hash it runs while logins queue, so
memory is bounded by the number of threads and the kernel is out of the loop under load; the
block goes back (`release_block`) when the queue drains.

The hashes are the standard encoded strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), equal to
argon2-cffi's for the same salt; other types or versions are verified by argon2-cffi itself.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import threading
from typing import Any

import argon2
from _argon2_cffi_bindings import ffi, lib  # type: ignore[import-untyped]
from pwdlib.hashers.argon2 import Argon2Hasher

_VERSION = 19
_thread = threading.local()


def _lend_block(memory: Any, size: int) -> int:
    """libargon2's allocation: this thread's block, allocated on its first hash."""
    block = getattr(_thread, "block", None)
    if block is None or ffi.sizeof(block) < size:
        block = _thread.block = ffi.new("uint8_t[]", size)
        _held.add(threading.get_ident())
    memory[0] = block
    return int(lib.ARGON2_OK)


_held: set[int] = set()  # the threads holding a block (their idents)


def blocks_held() -> int:
    return len(_held)


def release_block() -> None:
    """Free this thread's block (its next hash allocates one again)."""
    _thread.block = None
    _held.discard(threading.get_ident())


def _keep_block(memory: Any, size: int) -> None:
    """libargon2's free: it has wiped the block already (`clear_internal_memory`); kept."""


# Kept referenced for the life of the process: libargon2 calls them through C pointers.
_LEND_BLOCK = ffi.callback("int(uint8_t **, size_t)", _lend_block)
_KEEP_BLOCK = ffi.callback("void(uint8_t *, size_t)", _keep_block)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def raw_hash(password: bytes, salt: bytes, *, time_cost: int, memory_cost: int, lanes: int,
             hash_len: int) -> bytes:  # fmt: skip
    """Argon2id (version 0x13) of `password`, computed in this thread's block."""
    out = ffi.new("uint8_t[]", hash_len)
    context = ffi.new(
        "argon2_context *",
        {
            "out": out,
            "outlen": hash_len,
            "pwd": ffi.from_buffer("uint8_t[]", password),
            "pwdlen": len(password),
            "salt": ffi.from_buffer("uint8_t[]", salt),
            "saltlen": len(salt),
            "secret": ffi.NULL,
            "secretlen": 0,
            "ad": ffi.NULL,
            "adlen": 0,
            "t_cost": time_cost,
            "m_cost": memory_cost,
            "lanes": lanes,
            "threads": lanes,
            "version": _VERSION,
            "allocate_cbk": _LEND_BLOCK,
            "free_cbk": _KEEP_BLOCK,
            "flags": lib.ARGON2_DEFAULT_FLAGS,
        },
    )
    result = lib.argon2_ctx(context, lib.Argon2_id)
    if result != lib.ARGON2_OK:
        message = ffi.string(lib.argon2_error_message(result)).decode()
        raise argon2.exceptions.HashingError(message)
    return bytes(ffi.buffer(out, hash_len))


class ReusingArgon2Hasher(Argon2Hasher):
    """pwdlib's Argon2id hasher, computing through `raw_hash` (same strings, same checks)."""

    def __init__(self, *, time_cost: int, memory_cost: int, parallelism: int) -> None:
        super().__init__(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
        self._parameters = (time_cost, memory_cost, parallelism)
        self._hash_len = argon2.DEFAULT_HASH_LENGTH
        self._salt_len = argon2.DEFAULT_RANDOM_SALT_LENGTH

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        secret = password.encode() if isinstance(password, str) else password
        salt = salt if salt is not None else secrets.token_bytes(self._salt_len)
        time_cost, memory_cost, lanes = self._parameters
        digest = raw_hash(secret, salt, time_cost=time_cost, memory_cost=memory_cost,
                          lanes=lanes, hash_len=self._hash_len)  # fmt: skip
        return (
            f"$argon2id$v={_VERSION}$m={memory_cost},t={time_cost},p={lanes}"
            f"${_b64(salt)}${_b64(digest)}"
        )

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        encoded = hash.decode() if isinstance(hash, bytes) else hash
        try:
            parameters = argon2.extract_parameters(encoded)
            salt, expected = (_unb64(part) for part in encoded.rsplit("$", 2)[1:])
        except (argon2.exceptions.InvalidHashError, ValueError):
            return False
        if parameters.type is not argon2.Type.ID or parameters.version != _VERSION:
            return super().verify(password, hash)
        secret = password.encode() if isinstance(password, str) else password
        try:
            digest = raw_hash(secret, salt, time_cost=parameters.time_cost,
                              memory_cost=parameters.memory_cost, lanes=parameters.parallelism,
                              hash_len=len(expected))  # fmt: skip
        except argon2.exceptions.HashingError:  # parameters libargon2 refuses: not ours
            return False
        return hmac.compare_digest(digest, expected)
