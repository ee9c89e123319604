"""Planning a change to a task, without the database: pure functions, tested directly.

`plan_update` turns a PATCH/PUT into the task's new fields and says which facts the
database must still supply (the target's next position, whether the assignee is a member
there, the current labels); `finish` takes those facts and gives the values to write and the
activity diff. `tasks/service.py:update_task` reads the facts and applies the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from taskflow.activity.service import diff
from taskflow.core.errors import Unprocessable
from taskflow.tasks import recurrence
from taskflow.tasks.models import Task, TaskStatus

# Fields a PATCH/PUT may carry that are plain columns of the task.
SCALARS = (
    "title", "description", "status", "priority", "due_at", "due_all_day", "start_at",
    "recurrence", "recurrence_basis", "assignee_id", "position", "section_id",
)  # fmt: skip
# The fields whose change needs the series checked again (tasks/recurrence.py).
TIME_FIELDS = ("due_at", "start_at", "recurrence", "recurrence_basis")
# What a PUT resets when a field is omitted (project, parent and position change only when given).
REPLACE_DEFAULTS: Mapping[str, Any] = {
    "description": "",
    "status": TaskStatus.TODO,
    "priority": 0,
    "due_at": None,
    "due_all_day": False,
    "start_at": None,
    "recurrence": None,
    "recurrence_basis": "due",
    "assignee_id": None,
    "label_ids": [],
}


@dataclass(frozen=True, slots=True)
class TaskState:
    """The task as it is, as far as a change to it is concerned."""

    id: int
    project_id: int
    parent_id: int | None
    title: str
    description: str
    status: str
    priority: int
    due_at: datetime | None
    due_all_day: bool
    start_at: datetime | None
    recurrence: str | None
    recurrence_basis: str
    assignee_id: int | None
    position: str
    section_id: int | None
    completed_at: datetime | None
    created_by: int | None

    @classmethod
    def of(cls, task: Task) -> TaskState:
        return cls(**{name: getattr(task, name) for name in cls.__slots__})


@dataclass(frozen=True, slots=True)
class UpdatePlan:
    before: dict[str, Any]
    # The new fields; "position" is None when the task is appended in its new project.
    after: dict[str, Any]
    moving: bool
    check_parent: bool  # the parent is new (or the project is): the database must agree
    check_assignee: bool  # likewise the assignee
    check_section: bool  # likewise the section
    assignee_must_be_member: bool  # kept while moving: unassigned unless a member there
    label_ids: list[int] | None  # the labels given (sorted, distinct); None: not given
    read_labels: bool  # the current labels are needed to tell whether they change
    # The creator's time zone is needed: the series is checked again or advanced.
    needs_timezone: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    values: dict[str, Any]  # the columns to write
    changes: dict[str, Any]  # the activity diff; empty: nothing to do
    label_ids: list[int] | None  # the labels to set, None: untouched
    # A recurring task was completed: `changes` is its completion, this the move to the
    # next occurrence (`task.recurred`); `values` holds both.
    recurred: dict[str, Any] | None = None


def with_defaults(given: Mapping[str, Any], *, replace: bool) -> dict[str, Any]:
    """The fields of a PATCH as given; of a PUT, with every omitted editable field reset."""
    return {**REPLACE_DEFAULTS, **given} if replace else dict(given)


def plan_update(current: TaskState, given: Mapping[str, Any], *, replace: bool) -> UpdatePlan:
    """What a PATCH (`given`: the fields sent) or a PUT (`replace`) makes of the task; 422 for
    a field that may not be null."""
    given = with_defaults(given, replace=replace)
    project_id = given.get("project_id") or current.project_id
    moving = project_id != current.project_id
    if moving and current.parent_id is not None and "parent_id" not in given:
        given["parent_id"] = None  # a subtask moved alone leaves its parent behind
    if moving and "section_id" not in given:
        given["section_id"] = None  # sections belong to a project: a moved task leaves its

    before: dict[str, Any] = {name: getattr(current, name) for name in (*SCALARS, "parent_id")}
    before["project_id"] = current.project_id
    after = dict(before)
    for name in (*SCALARS, "parent_id"):
        if name in given:
            value = given[name]
            after[name] = value.value if isinstance(value, TaskStatus) else value
    if any(after[name] is None for name in ("title", "status", "priority")):
        raise Unprocessable("title, status and priority cannot be null")
    if after["due_all_day"] is None or after["recurrence_basis"] is None:
        raise Unprocessable("due_all_day and recurrence_basis cannot be null")
    if after["description"] is None:
        after["description"] = ""
    if moving and given.get("position") is None:
        after["position"] = None  # after the last task there: the database knows where
    elif after["position"] is None:
        after["position"] = before["position"]
    after["project_id"] = project_id

    assignee_given = "assignee_id" in given
    label_ids = given.get("label_ids")
    return UpdatePlan(
        before=before,
        after=after,
        moving=moving,
        check_parent="parent_id" in given and (given["parent_id"] != before["parent_id"] or moving),
        check_assignee=assignee_given and (given["assignee_id"] != before["assignee_id"] or moving),
        check_section=given.get("section_id") is not None
        and (given["section_id"] != before["section_id"] or moving),
        assignee_must_be_member=moving and not assignee_given and after["assignee_id"] is not None,
        label_ids=sorted(set(label_ids)) if label_ids is not None else None,
        # The labels are read only when they may change (one statement less for most edits).
        read_labels=label_ids is not None or moving,
        needs_timezone=after["recurrence"] is not None
        and (
            any(after[name] != before[name] for name in TIME_FIELDS)
            or completes(before["status"], after["status"])
        ),
    )


def completes(before_status: str, after_status: str) -> bool:
    return after_status == TaskStatus.DONE and before_status != TaskStatus.DONE


def check_times(
    before: Mapping[str, Any], after: dict[str, Any], *, timezone: str, now: datetime
) -> None:
    """422 for a start after the due date, a recurrence without a due date, or a rule that
    is invalid or yields no future occurrence (checked when the series changes); the rule
    is stored normalized."""
    start, due = after["start_at"], after["due_at"]
    if start is not None and due is not None and start > due:
        raise Unprocessable("start_at: the start cannot be after due_at")
    if after["recurrence"] is None:
        return
    if due is None:
        raise Unprocessable("recurrence: a recurring task needs a due_at")
    if all(after[name] == before.get(name) for name in TIME_FIELDS):
        return
    try:
        after["recurrence"] = recurrence.validate(after["recurrence"], due, timezone, now)
    except recurrence.InvalidRule as error:
        raise Unprocessable(str(error)) from None


def recur(after: dict[str, Any], *, timezone: str, now: datetime) -> dict[str, Any] | None:
    """A recurring task being completed moves to its next occurrence instead (in `after`):
    the diff of that move, or None when the series has ended (the task stays done)."""
    moved = recurrence.advance(
        after["recurrence"], after["recurrence_basis"], after["due_at"], after["start_at"],
        timezone, now,
    )  # fmt: skip
    if moved is None:
        return None
    occurrence, start_at = moved
    done = dict(after)
    after.update(
        status=TaskStatus.TODO.value,
        due_at=occurrence.due_at,
        start_at=start_at,
        recurrence=occurrence.recurrence,
        completed_at=None,
    )
    return diff(done, after)


def completed_at(
    status: str, before_status: str | None, before: datetime | None, now: datetime
) -> datetime | None:
    """Set when the status becomes done, kept while it stays done, cleared when it leaves."""
    if status == TaskStatus.DONE:
        return before if before_status == TaskStatus.DONE and before is not None else now
    return None


def finish(
    plan: UpdatePlan,
    current: TaskState,
    *,
    now: datetime,
    append_at: str | None = None,
    assignee_is_member: bool = True,
    old_labels: Sequence[int] = (),
    timezone: str = "UTC",
) -> Change:
    """The values to write and the diff, given what the database said: `append_at` (the
    target's next position, when the plan appends), `assignee_is_member` (when the plan
    asks), `old_labels` (when it reads them) and the creator's `timezone` (when it needs
    it). 422 for times that do not fit together (`check_times`)."""
    before = {**plan.before, "completed_at": current.completed_at}
    after = dict(plan.after)
    if after["position"] is None:
        if append_at is None:
            raise ValueError("the plan appends: the target's next position is needed")
        after["position"] = append_at
    if plan.assignee_must_be_member and not assignee_is_member:
        after["assignee_id"] = None
    after["completed_at"] = completed_at(
        after["status"], before["status"], current.completed_at, now
    )
    check_times(before, after, timezone=timezone, now=now)
    old = list(old_labels)
    new = plan.label_ids if plan.label_ids is not None else ([] if plan.moving else old)
    changes = diff(before, after)
    if new != old:
        changes["label_ids"] = {"from": old, "to": new}
    recurred = None
    if after["recurrence"] is not None and completes(before["status"], after["status"]):
        recurred = recur(after, timezone=timezone, now=now)
    final = diff(before, after) if recurred is not None else changes
    values = {name: after[name] for name in final if name in after}
    return Change(
        values=values, changes=changes, label_ids=new if new != old else None, recurred=recurred
    )


def update_verb(before_status: str, after_status: str) -> str:
    if before_status != after_status and TaskStatus.DONE in (before_status, after_status):
        return "task.completed" if after_status == TaskStatus.DONE else "task.reopened"
    return "task.updated"
