"""A Trello export read as a stream: the top-level object's arrays element by element, so
that memory follows the largest element, not the file (a board's export is mostly its
`actions`, which the import drops but for comments).

Each element is decoded by the standard library's JSON decoder from a window of the file
that grows until the element fits (at most MAX_ELEMENT_CHARS). A malformed file is an
ImportError_ naming the JSON path where it broke (`$.cards[3]`).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import IO, Any

from taskflow.transfer.plan import ImportError_

CHUNK_CHARS = 1 << 16
MAX_ELEMENT_CHARS = 16 << 20
_WHITESPACE = " \t\r\n"
_decoder = json.JSONDecoder()

# What to keep of one array element: the element itself, a smaller stand-in, or None (drop).
Keep = Callable[[str, Any], Any]


class _Window:
    def __init__(self, binary: IO[bytes]) -> None:
        self.text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict")
        self.buffer = ""
        self.position = 0
        self.at_end = False

    def _more(self, path: str) -> None:
        try:
            chunk = self.text.read(CHUNK_CHARS)
        except UnicodeDecodeError:
            raise ImportError_("$", "the file is not UTF-8 JSON") from None
        if not chunk:
            self.at_end = True
            return
        if len(self.buffer) - self.position + len(chunk) > MAX_ELEMENT_CHARS:
            raise ImportError_(path, f"one value over {MAX_ELEMENT_CHARS >> 20} MB of text")
        self.buffer = self.buffer[self.position :] + chunk
        self.position = 0

    def peek(self, path: str) -> str:
        while True:
            while self.position < len(self.buffer) and self.buffer[self.position] in _WHITESPACE:
                self.position += 1
            if self.position < len(self.buffer):
                return self.buffer[self.position]
            if self.at_end:
                return ""
            self._more(path)

    def take(self, expected: str, path: str) -> None:
        found = self.peek(path)
        if found != expected:
            what = repr(found) if found else "the end of the file"
            raise ImportError_(path, f"not JSON: expected {expected!r}, found {what}")
        self.position += 1

    def value(self, path: str) -> Any:
        self.peek(path)
        while True:
            try:
                decoded, end = _decoder.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError as error:
                incomplete = error.pos >= len(self.buffer) - 1 or error.msg.startswith(
                    "Unterminated string"
                )
                if incomplete and not self.at_end:
                    self._more(path)
                    continue
                raise ImportError_(path, f"not JSON: {error.msg}") from None
            if end >= len(self.buffer) and not self.at_end:
                self._more(path)  # a number may go on in the next chunk
                continue
            self.position = end
            return decoded


def read_object(binary: IO[bytes], keep: Keep) -> dict[str, Any]:
    """The top-level object, its arrays filtered element by element through `keep` (an
    element it answers None for is left out)."""
    window = _Window(binary)
    if window.peek("$") != "{":
        raise ImportError_("$", "a Trello board export is a JSON object")
    window.take("{", "$")
    document: dict[str, Any] = {}
    while window.peek("$") != "}":
        if document:
            window.take(",", "$")
        key = window.value("$")
        if not isinstance(key, str):
            raise ImportError_("$", "not JSON: an object key must be a string")
        window.take(":", f"$.{key}")
        if window.peek(f"$.{key}") == "[":
            document[key] = list(_elements(window, key, keep))
        else:
            document[key] = window.value(f"$.{key}")
    window.take("}", "$")
    if window.peek("$") != "":
        raise ImportError_("$", "not JSON: extra data after the object")
    return document


def _elements(window: _Window, key: str, keep: Keep) -> Iterator[Any]:
    window.take("[", f"$.{key}")
    index = 0
    while window.peek(f"$.{key}[{index}]") != "]":
        path = f"$.{key}[{index}]"
        if index:
            window.take(",", path)
        kept = keep(key, window.value(path))
        if kept is not None:
            yield kept
        index += 1
    window.take("]", f"$.{key}")
