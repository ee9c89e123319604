"""The Trello export is read as a stream (transfer/json_stream.py): element by element
across chunk boundaries, malformed input named by its JSON path, and the actions the import
does not use dropped as they are read, so memory follows the cards and not the file."""

from __future__ import annotations

import io
import json
import tracemalloc
from typing import Any

import pytest

from taskflow.transfer import json_stream, trello
from taskflow.transfer.plan import ImportError_


def _board(cards: int, noise_actions: int, noise_bytes: int = 1000) -> bytes:
    document: dict[str, Any] = {
        "name": "Big board",
        "lists": [{"id": "l1", "name": "To do", "pos": 1}],
        "labels": [{"id": "g", "name": "", "color": "green"}],
        "cards": [
            {"id": f"c{n}", "name": f"Card {n}", "idList": "l1", "pos": n, "idLabels": ["g"]}
            for n in range(cards)
        ],
        "actions": [
            {"type": "updateCard", "data": {"text": "x" * noise_bytes}}
            for _ in range(noise_actions)
        ]
        + [{"type": "commentCard", "data": {"text": "Looks good", "card": {"id": "c0"}}}],
        "checklists": [],
        "prefs": {"background": "blue", "nested": [1, 2.5, None, True]},
    }
    return json.dumps(document, indent=1).encode()


class _Trickle(io.BytesIO):
    """A file that hands out at most 7 bytes a read: every value straddles reads."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(7 if size is None or size < 0 else min(size, 7))


def test_elements_are_read_across_chunk_boundaries() -> None:
    raw = b'\xef\xbb\xbf{"a": [1, 22, 333, {"k": "v\\u00e9 \xc3\xa9"}], "n": 12345, "s": "x"}'
    document = json_stream.read_object(_Trickle(raw), lambda key, value: value)
    assert document == {"a": [1, 22, 333, {"k": "vé é"}], "n": 12345, "s": "x"}


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b'{"cards": [{"id": 1}, {"id": 2,}]}', "$.cards[1]"),
        (b'{"cards": [{"id": 1} {"id": 2}]}', "$.cards[1]"),
        (b'{"cards": [{"id": 1}', "$.cards[1]"),
        (b'{"name": "x"} trailing', "$"),
        (b'{"name": tru}', "$.name"),
    ],
)
def test_a_malformed_stream_names_where_it_broke(raw: bytes, where: str) -> None:
    with pytest.raises(ImportError_) as raised:
        json_stream.read_object(io.BytesIO(raw), lambda key, value: value)
    assert where in str(raised.value.detail)


def test_a_board_parses_the_same_streamed() -> None:
    plan = trello.parse(io.BytesIO(_board(cards=50, noise_actions=10)), None)
    assert plan.project_name == "Big board"
    assert len(plan.tasks) == 50
    assert [text for text, _ in plan.tasks[0].comments] == ["Looks good"]
    assert plan.tasks[0].labels == ["green"]


def test_memory_follows_the_cards_not_the_actions() -> None:
    """20 MB of actions the import does not use: the parse's peak stays far below the file."""
    raw = _board(cards=200, noise_actions=20_000)
    assert len(raw) > 20_000_000
    tracemalloc.start()
    try:
        plan = trello.parse(io.BytesIO(raw), None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(plan.tasks) == 200
    assert peak < 4_000_000, peak  # json.load of the whole file held ~10x the file
