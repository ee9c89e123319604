"""A Trello export read as a stream: the top-level object's arrays element by element, so
that memory follows the largest element, not the file (a board's export is mostly its
`actions`, which the import drops but for comments).

The parsing is ijson's (yajl's C backend): this module only rebuilds the top-level values
from its events, hands each array element to `keep` as soon as it is complete, and names
the JSON path where a malformed file broke (`$.cards[3]`).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from typing import IO, Any

import ijson
from ijson.common import ObjectBuilder

from taskflow.transfer.plan import ImportError_

# What to keep of one array element: the element itself, a smaller stand-in, or None (drop).
Keep = Callable[[str, Any], Any]
Event = tuple[str, str, Any]


class _Skipping:
    """The file without a UTF-8 byte-order mark (Trello writes none; editors may add one)."""

    def __init__(self, binary: IO[bytes]) -> None:
        self._binary = binary
        self._head = binary.read(len(codecs.BOM_UTF8))
        if self._head == codecs.BOM_UTF8:
            self._head = b""

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing first, to learn whether the file is binary
            return b""
        head, self._head = self._head, b""
        if size < 0:
            return head + self._binary.read()
        return head + self._binary.read(max(size - len(head), 0))


class _Events:
    """ijson's events, with the path of the value being read kept for error messages."""

    def __init__(self, binary: IO[bytes]) -> None:
        self._events = ijson.parse(_Skipping(binary), use_float=True)
        self.path = "$"

    def next(self) -> Event:
        try:
            return next(self._events)  # type: ignore[no-any-return]
        except StopIteration:
            raise ImportError_(self.path, "not JSON: the file ends too early") from None
        except ijson.JSONError as error:
            raise ImportError_(self.path, f"not JSON: {str(error).strip()}") from None
        except UnicodeDecodeError:
            raise ImportError_("$", "the file is not UTF-8 JSON") from None

    def value(self, first: Event) -> Any:
        """The whole value that starts with `first` (a scalar, or a map/array to its end)."""
        _, event, value = first
        if event not in ("start_map", "start_array"):
            return value
        builder = ObjectBuilder()
        builder.event(event, value)
        depth = 1
        while depth:
            _, event, value = self.next()
            depth += event in ("start_map", "start_array")
            depth -= event in ("end_map", "end_array")
            builder.event(event, value)
        return builder.value

    def at_end(self) -> bool:
        try:
            self.next()
        except ImportError_ as error:
            return "ends too early" in str(error.detail)
        return False


def read_object(binary: IO[bytes], keep: Keep) -> dict[str, Any]:
    """The top-level object, its arrays filtered element by element through `keep` (an
    element it answers None for is left out)."""
    events = _Events(binary)
    if events.next()[1] != "start_map":
        raise ImportError_("$", "a Trello board export is a JSON object")
    document: dict[str, Any] = {}
    while True:
        _, event, key = events.next()
        if event == "end_map":
            break
        events.path = f"$.{key}"
        first = events.next()
        if first[1] == "start_array":
            document[key] = list(_elements(events, key, keep))
        else:
            document[key] = events.value(first)
        events.path = "$"
    if not events.at_end():
        raise ImportError_("$", "not JSON: extra data after the object")
    return document


def _elements(events: _Events, key: str, keep: Keep) -> Iterator[Any]:
    index = 0
    while True:
        events.path = f"$.{key}[{index}]"
        first = events.next()
        if first[1] == "end_array":
            return
        kept = keep(key, events.value(first))
        if kept is not None:
            yield kept
        index += 1
