"""HTTP `Range` (RFC 9110 §14): one byte range per request, which is what players, PDF viewers
and resumed downloads ask for. Several ranges get the whole file (200), as the RFC allows."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SINGLE = re.compile(r"bytes=(\d*)-(\d*)")


class Unsatisfiable(Exception):
    """416: the range starts past the end."""


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int  # exclusive

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end - 1}/{size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The range to send, or None for the whole file (no header, several ranges, or a unit or
    syntax this does not know, which RFC 9110 says to ignore)."""
    if header is None:
        return None
    match = _SINGLE.fullmatch(header.strip().replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(size - suffix, 0), size)
    start = int(first)
    if last and int(last) < start:
        return None  # invalid: ignored
    if start >= size:
        raise Unsatisfiable
    end = size if not last else min(int(last) + 1, size)
    return ByteRange(start, end)
