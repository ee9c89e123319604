"""A Trello board's JSON export -> an ImportPlan.

Lists become sections (in board order), cards tasks (a closed card, a card of a closed
list, or `dueComplete` is done), labels labels (an unnamed one is named after its color),
checklist items subtasks (complete ones done), `commentCard` actions comments, `due` the
due date. Everything else in the export is ignored. A value of the wrong type is a 422
naming its JSON path (`$.cards[3].name`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import IO, Any

from taskflow.tasks.models import TaskStatus
from taskflow.transfer.json_stream import read_object
from taskflow.transfer.plan import (
    MAX_TASKS,
    ImportError_,
    ImportPlan,
    PlannedTask,
    clip_comment,
    clip_title,
)

# Trello's label colors, as its web app shows them.
COLORS = {
    "green": "#4bce97", "yellow": "#f5cd47", "orange": "#fea362", "red": "#f87168",
    "purple": "#9f8fef", "blue": "#579dff", "sky": "#6cc3e0", "lime": "#94c748",
    "pink": "#e774bb", "black": "#8590a2",
}  # fmt: skip
DEFAULT_COLOR = "#8590a2"


# Every action but a comment is dropped as it is read; one shared empty object stands in for
# it, so that the comments keep their index (an error names `$.actions[n]`).
_DROPPED: dict[str, Any] = {}


def _keep(key: str, element: Any) -> Any:
    if key == "actions" and isinstance(element, dict) and element.get("type") != "commentCard":
        return _DROPPED
    return element


def _load(binary: IO[bytes]) -> dict[str, Any]:
    """The export, streamed (json_stream): memory follows the cards, not the file."""
    return read_object(binary, _keep)


def _list(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise ImportError_(f"$.{key}", "must be an array")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise ImportError_(f"$.{key}[{index}]", "must be an object")
    return value


def _str(item: dict[str, Any], key: str, path: str, *, required: bool = False) -> str:
    value = item.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ImportError_(f"{path}.{key}", "must be a string")
    if "\x00" in value:
        raise ImportError_(f"{path}.{key}", "contains a NUL character")
    return value


def _time(item: dict[str, Any], key: str, path: str) -> datetime | None:
    raw = _str(item, key, path)
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ImportError_(f"{path}.{key}", f"not an ISO 8601 time: {raw[:40]!r}") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _position(item: dict[str, Any]) -> float:
    pos = item.get("pos", 0)
    return float(pos) if isinstance(pos, int | float) and not isinstance(pos, bool) else 0.0


def parse(binary: IO[bytes], project_name: str | None) -> ImportPlan:
    document = _load(binary)
    if "cards" not in document and "lists" not in document:
        raise ImportError_("$", "not a Trello board export (no cards, no lists)")
    name = project_name or _str(document, "name", "$").strip() or "Trello board"
    plan = ImportPlan(project_name=clip_title(name)[:100], description=_str(document, "desc", "$"))

    labels: dict[str, str] = {}
    for index, label in enumerate(_list(document, "labels")):
        path = f"$.labels[{index}]"
        color = _str(label, "color", path)
        label_name = _str(label, "name", path).strip() or color or "label"
        label_name = label_name[:50]
        labels[_str(label, "id", path, required=True)] = label_name
        plan.labels.setdefault(label_name, COLORS.get(color, DEFAULT_COLOR))

    closed_lists: set[str] = set()
    list_names: dict[str, str] = {}
    lists = sorted(enumerate(_list(document, "lists")), key=lambda pair: _position(pair[1]))
    for index, trello_list in lists:
        path = f"$.lists[{index}]"
        list_id = _str(trello_list, "id", path, required=True)
        list_name = clip_title(_str(trello_list, "name", path))[:120]
        list_names[list_id] = list_name
        if trello_list.get("closed") is True:
            closed_lists.add(list_id)
        if list_name not in plan.sections:
            plan.sections.append(list_name)

    comments: dict[str, list[tuple[str, datetime | None]]] = {}
    for index, action in enumerate(_list(document, "actions")):
        if action.get("type") != "commentCard":
            continue
        path = f"$.actions[{index}]"
        data = action.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("card"), dict):
            raise ImportError_(f"{path}.data.card", "must be an object")
        card_id = _str(data["card"], "id", f"{path}.data.card", required=True)
        text = _str(data, "text", f"{path}.data").strip()
        if text:
            comments.setdefault(card_id, []).append(
                (clip_comment(text), _time(action, "date", path))
            )

    checklists: dict[str, list[tuple[str, bool, float]]] = {}
    for index, checklist in enumerate(_list(document, "checklists")):
        path = f"$.checklists[{index}]"
        card_id = _str(checklist, "idCard", path, required=True)
        items = checklist.get("checkItems", [])
        if not isinstance(items, list):
            raise ImportError_(f"{path}.checkItems", "must be an array")
        for item_index, item in enumerate(items):
            item_path = f"{path}.checkItems[{item_index}]"
            if not isinstance(item, dict):
                raise ImportError_(item_path, "must be an object")
            title = _str(item, "name", item_path)
            done = item.get("state") == "complete"
            checklists.setdefault(card_id, []).append(
                (title, done, _position(checklist) * 1e6 + _position(item))
            )

    cards = sorted(
        enumerate(_list(document, "cards")),
        key=lambda pair: (_position_of_list(lists, pair[1]), _position(pair[1])),
    )
    subtasks: list[tuple[int, str, bool]] = []
    for index, card in cards:
        path = f"$.cards[{index}]"
        card_id = _str(card, "id", path, required=True)
        title = _str(card, "name", path)
        list_id = _str(card, "idList", path)
        id_labels = card.get("idLabels", [])
        if not isinstance(id_labels, list) or not all(isinstance(i, str) for i in id_labels):
            raise ImportError_(f"{path}.idLabels", "must be an array of strings")
        done = (
            card.get("closed") is True or list_id in closed_lists or card.get("dueComplete") is True
        )
        plan.tasks.append(
            PlannedTask(
                title=clip_title(title),
                description=_str(card, "desc", path)[:100_000],
                due_at=_time(card, "due", path),
                status=TaskStatus.DONE if done else TaskStatus.TODO,
                completed_at=_time(card, "dateLastActivity", path) if done else None,
                labels=[labels[i] for i in id_labels if i in labels],
                section=list_names.get(list_id),
                comments=comments.get(card_id, []),
            )
        )
        parent = len(plan.tasks) - 1
        for item_title, item_done, _ in sorted(checklists.get(card_id, []), key=lambda c: c[2]):
            subtasks.append((parent, item_title, item_done))
        if len(plan.tasks) + len(subtasks) > MAX_TASKS:
            raise ImportError_(path, f"more than {MAX_TASKS} tasks")
    for parent, item_title, item_done in subtasks:
        plan.tasks.append(
            PlannedTask(
                title=clip_title(item_title),
                parent=parent,
                status=TaskStatus.DONE if item_done else TaskStatus.TODO,
                section=plan.tasks[parent].section,
            )
        )
    return plan


def _position_of_list(lists: list[tuple[int, dict[str, Any]]], card: dict[str, Any]) -> int:
    for rank, (_, trello_list) in enumerate(lists):
        if trello_list.get("id") == card.get("idList"):
            return rank
    return len(lists)
