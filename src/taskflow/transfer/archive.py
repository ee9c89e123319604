"""The zip export: `export.json` (the JSON export, each attachment's `file` set) and
`files/<sha256>` (each distinct file once). Written to a temporary file and streamed, read
back from a temporary file: neither a whole archive nor a whole file is held in memory.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import IO

import anyio

from taskflow.core.errors import Unprocessable
from taskflow.core.storage import Storage

DOCUMENT = "export.json"
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
_CHUNK = 256 * 1024
_SPOOL_BYTES = 1024 * 1024


def archive_path(sha256: str) -> str:
    return f"files/{sha256}"


async def write_archive(document_json: bytes, files: dict[str, str], storage: Storage) -> IO[bytes]:
    """The zip in a temporary file, rewound. `files`: archive path -> storage key."""
    output = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the response, which closes it)
    try:
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            await anyio.to_thread.run_sync(archive.writestr, DOCUMENT, document_json)
            for path, key in files.items():
                # Files are mostly compressed already (images, PDFs): stored as they are.
                entry = archive.open(zipfile.ZipInfo(path), "w", force_zip64=True)
                try:
                    async for chunk in storage.read(key):
                        await anyio.to_thread.run_sync(entry.write, chunk)
                finally:
                    entry.close()
        output.seek(0)
    except BaseException:
        output.close()
        raise
    return output


async def stream_file(file: IO[bytes]) -> AsyncIterator[bytes]:
    """The temporary file's bytes, then the file closed (and so deleted)."""
    try:
        while chunk := await anyio.to_thread.run_sync(file.read, _CHUNK):
            yield chunk
    finally:
        file.close()


@dataclass
class ImportArchive:
    """An uploaded zip export, open for reading."""

    file: IO[bytes]
    zip: zipfile.ZipFile

    def document(self) -> bytes:
        try:
            info = self.zip.getinfo(DOCUMENT)
        except KeyError:
            raise Unprocessable(f"The archive has no {DOCUMENT}") from None
        if info.file_size > MAX_DOCUMENT_BYTES:
            raise Unprocessable(f"{DOCUMENT} is too large")
        with self.zip.open(info) as member:
            return member.read(MAX_DOCUMENT_BYTES + 1)

    def has(self, path: str) -> bool:
        try:
            self.zip.getinfo(path)
        except KeyError:
            return False
        return True

    async def chunks(self, path: str, size: int) -> AsyncIterator[bytes]:
        """The member's bytes, refusing more than `size` (a zip bomb's claims are not
        trusted: what is read is counted)."""
        with self.zip.open(path) as member:
            read = 0
            while chunk := await anyio.to_thread.run_sync(member.read, _CHUNK):
                read += len(chunk)
                if read > size:
                    raise Unprocessable(f"{path} is larger than the document says")
                yield chunk

    def close(self) -> None:
        self.zip.close()
        self.file.close()


async def open_archive(chunks: AsyncIterator[bytes]) -> ImportArchive:
    """Spool the uploaded zip to a temporary file and open it (422 if it is not a zip)."""
    file = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
    try:
        async for chunk in chunks:
            await anyio.to_thread.run_sync(file.write, chunk)
        file.seek(0)
        try:
            archive = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise Unprocessable("The body is not a zip archive") from None
    except BaseException:
        file.close()
        raise
    return ImportArchive(file=file, zip=archive)
