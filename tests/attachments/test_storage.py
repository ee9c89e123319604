"""The storage interface, alike on both backends: the directory and S3 (moto's server)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from taskflow.config import Settings
from taskflow.core.storage import Storage, StoredFileMissing, new_key
from tests.attachments.helpers import stored_keys

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def read_all(storage: Storage, key: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join([chunk async for chunk in storage.read(key, start, end)])


async def test_write_read_ranges_and_delete(storage: Storage, settings: Settings) -> None:
    key = new_key("attachments")
    parts = [bytes([n]) * 100_000 for n in range(7)]  # 700 kB in uneven network-sized chunks
    await storage.write(key, chunks(*parts))
    whole = b"".join(parts)
    assert await storage.exists(key)
    assert await read_all(storage, key) == whole
    assert await read_all(storage, key, 99_990, 100_010) == whole[99_990:100_010]
    assert await read_all(storage, key, 650_000) == whole[650_000:]
    assert await stored_keys(settings) == {key}
    await storage.delete([key])
    await storage.delete([key])  # already gone: not an error
    assert not await storage.exists(key)
    with pytest.raises(StoredFileMissing):
        await read_all(storage, key)


async def test_a_failed_write_leaves_nothing(storage: Storage, settings: Settings) -> None:
    key = new_key("attachments")

    async def failing() -> AsyncIterator[bytes]:
        yield b"a" * 6 * 1024 * 1024  # past one S3 part: a multipart upload was started
        raise ValueError("client went away")

    with pytest.raises(ValueError, match="client went away"):
        await storage.write(key, failing())
    assert not await storage.exists(key)
    assert await stored_keys(settings) == set()


async def test_keys_cannot_leave_the_store(storage: Storage) -> None:
    for key in ("../etc/passwd", "/abs/olute", "attachments/../../x", "Attachments/X", "x"):
        with pytest.raises(ValueError, match="invalid storage key"):
            await storage.write(key, chunks(b"x"))
