"""Argon2id on memory blocks kept for reuse, instead of one malloc'd per hash.

Argon2id with OWASP's parameters fills a 19 MiB block per hash. Through argon2-cffi, libargon2
mallocs and frees it every time; with glibc's large blocks mmap'd (`security.py` fixes the
threshold at 1 MiB so that RSS stays bounded), every hash then maps, faults in and zeroes
4,864 fresh pages: ~7-12 ms of kernel time per login against 0.1-0.5 ms for the same call
reusing memory (docs/benchmarks.md). libargon2 lets its caller supply the block
(`allocate_cbk`/`free_cbk` of `argon2_context`): a hash borrows an idle block from this
module's pool (or allocates one if none is idle) and gives it back when it ends, so there are
never more blocks than hashes running at once (at most the hashing threads, `security.py`),
and the kernel is out of the loop. When no hash waits, the pool keeps one idle block and
frees the others (`release_blocks`): a worker at rest holds one block, and a lone login reuses
it too (handing every block back made each lone login map a fresh one: 7 ms of kernel time).

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
_lock = threading.Lock()
_idle: list[Any] = []  # blocks no hash is using, the most recently returned last
_lent: dict[int, Any] = {}  # address -> block, while a hash uses it


def _address(pointer: Any) -> int:
    return int(ffi.cast("uintptr_t", pointer))


def _lend_block(memory: Any, size: int) -> int:
    """libargon2's allocation: an idle block of the pool, or a new one if none is."""
    with _lock:
        fits = [index for index, block in enumerate(_idle) if ffi.sizeof(block) >= size]
        block = _idle.pop(fits[-1]) if fits else None
    if block is None:
        block = ffi.new("uint8_t[]", size)
    with _lock:
        _lent[_address(block)] = block
    memory[0] = block
    return int(lib.ARGON2_OK)


def _return_block(memory: Any, size: int) -> None:
    """libargon2's free: it has wiped the block already (`clear_internal_memory`); the block
    goes back to the pool, idle."""
    with _lock:
        block = _lent.pop(_address(memory), None)
        if block is not None:
            _idle.append(block)


def blocks_held() -> int:
    """The blocks the pool holds, idle or lent."""
    with _lock:
        return len(_idle) + len(_lent)


def release_blocks(keep: int = 0) -> None:
    """Free the idle blocks beyond the `keep` most recently used (their memory goes back to
    the system: they are mmap'd, `security.py`)."""
    with _lock:
        freed = _idle[: max(0, len(_idle) - keep)]
        del _idle[: len(freed)]
    del freed  # outside the lock: freeing 19 MiB is a munmap


# Kept referenced for the life of the process: libargon2 calls them through C pointers.
_LEND_BLOCK = ffi.callback("int(uint8_t **, size_t)", _lend_block)
_RETURN_BLOCK = ffi.callback("void(uint8_t *, size_t)", _return_block)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def raw_hash(password: bytes, salt: bytes, *, time_cost: int, memory_cost: int, lanes: int,
             hash_len: int) -> bytes:  # fmt: skip
    """Argon2id (version 0x13) of `password`, computed in a block of the pool."""
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
            "free_cbk": _RETURN_BLOCK,
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
