"""A task's version snapshot (`task_versions.fields`) and the snapshots a service notes for
task history's before-commit hook (`history.snapshot_versions`), which writes them without
reading the task again. Its own module: the services that note (tasks/service.py) and the
history that writes (tasks/history.py, which calls the services to revert) both stand on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import jsonable
from taskflow.tasks.schemas import VERSIONED_FIELDS

_NOTED_KEY = "taskflow_noted_snapshots"
Noted = dict[int, tuple[int, dict[str, Any]]]  # task id -> (version, fields)


def snapshot_fields(row: Mapping[Any, Any], label_ids: list[int]) -> dict[str, Any]:
    """The versioned fields of a task's row (and its label ids), as a snapshot keeps them."""
    fields: dict[str, Any] = {
        name: jsonable(row[name]) for name in VERSIONED_FIELDS if name != "label_ids"
    }
    fields["label_ids"] = label_ids
    return fields


def note_snapshot(session: AsyncSession, row: Mapping[str, Any], label_ids: Iterable[int]) -> None:
    """The task as the caller just wrote it (`row`: its columns, `id` and `version` included;
    `label_ids`: its labels), so that the snapshot before the commit need not read it again.
    Call it once the task is final in this unit of work; the snapshot is written only if the
    task is still at that version then."""
    noted: Noted = session.info.setdefault(_NOTED_KEY, {})
    noted[row["id"]] = (row["version"], snapshot_fields(row, sorted(label_ids)))


def take_noted(session: AsyncSession) -> Noted:
    """The snapshots noted in `session`, forgotten there."""
    noted: Noted = session.info.pop(_NOTED_KEY, {})
    return noted


_WRITTEN_KEY = "taskflow_written_snapshots"


def mark_written(session: AsyncSession, task_id: int, events_so_far: int) -> None:
    """The task's snapshot was written by the statement that changed it (a PATCH's UPDATE on
    PostgreSQL), when `events_so_far` events had been emitted in `session` (its own among
    them): the hook writes none for it unless an event after those changes it again."""
    written: dict[int, int] = session.info.setdefault(_WRITTEN_KEY, {})
    written[task_id] = events_so_far


def take_written(session: AsyncSession) -> dict[int, int]:
    """The tasks marked written in `session` (task id -> events emitted then), forgotten."""
    written: dict[int, int] = session.info.pop(_WRITTEN_KEY, {})
    return written
