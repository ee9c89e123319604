"""What makes a stored file safe to hand back: its name, its type, how it is served.

Pure functions (no I/O): the upload calls `clean_filename` and `sniff_content_type`; the
download builds its headers with `content_disposition` and `served_type`.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

import filetype  # type: ignore[import-untyped]

MAX_FILENAME_CHARS = 255
SNIFF_BYTES = 8192
FALLBACK_FILENAME = "file"
OCTET_STREAM = "application/octet-stream"
TEXT = "text/plain"
# Served inline (shown in the browser): raster images only. SVG is an image that runs script,
# and is never detected as one here anyway (filetype does not know it); HTML is never inline.
RASTER_IMAGES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/avif"}
)
# The raster images Pillow thumbnails (the same set less AVIF, which it may not decode).
THUMBNAILED = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})
_RESERVED = frozenset({".", ".."})


def clean_filename(raw: str) -> str:
    """The name a client gave, made harmless: the last path segment only (no traversal), no
    control or format characters (no NUL, no newline, no bidi overrides), NFC, trimmed,
    at most 255 characters; `file` if nothing is left."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip()
    if name in _RESERVED:
        name = ""
    if len(name) > MAX_FILENAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16 and stem:
            name = stem[: MAX_FILENAME_CHARS - len(extension) - 1] + "." + extension
        else:
            name = name[:MAX_FILENAME_CHARS]
    return name or FALLBACK_FILENAME


def sniff_content_type(head: bytes) -> str:
    """The type the first bytes say (magic numbers), else text/plain for valid UTF-8 without
    NUL, else application/octet-stream. What the client declared is not asked."""
    kind = filetype.guess(head) if head else None
    if kind is not None:
        return str(kind.mime)
    if b"\x00" in head:
        return OCTET_STREAM
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sniffed bytes is still text.
        if error.start < len(head) - 3 or error.reason != "unexpected end of data":
            return OCTET_STREAM
    return TEXT


def is_inline(content_type: str) -> bool:
    return content_type in RASTER_IMAGES


def served_type(content_type: str) -> str:
    """The Content-Type a download is sent with: text as text/plain (never HTML, whatever
    it holds), anything not a known type as application/octet-stream."""
    if content_type == TEXT:
        return "text/plain; charset=utf-8"
    return content_type


def content_disposition(filename: str, *, inline: bool) -> str:
    """`attachment` (or `inline`) with an ASCII fallback name and the real one in RFC 5987's
    `filename*` form, so non-ASCII names survive and quotes cannot break the header."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch if ch.isprintable() and ch not in '"\\' else "_" for ch in ascii_name)
    ascii_name = ascii_name.strip() or FALLBACK_FILENAME
    disposition = "inline" if inline else "attachment"
    encoded = quote(filename, safe="")
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"
