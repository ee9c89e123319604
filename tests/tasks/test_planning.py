"""The update planner on its own: PATCH/PUT semantics, validation and the diff, no database."""

from __future__ import annotations

import random
import re
import string
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from fractional_indexing import FIError, validate_order_key

from taskflow.core.errors import Unprocessable
from taskflow.tasks import positions
from taskflow.tasks.models import TaskStatus
from taskflow.tasks.planning import TaskState, finish, plan_update, update_verb
from taskflow.tasks.positions import KEY_PATTERN

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
EARLIER = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
TASK = TaskState(
    id=7,
    project_id=1,
    parent_id=None,
    title="Write",
    description="a draft",
    status="todo",
    priority=2,
    due_at=EARLIER,
    due_all_day=False,
    start_at=None,
    recurrence=None,
    recurrence_basis="due",
    assignee_id=5,
    position="a3",
    section_id=None,
    completed_at=None,
    created_by=5,
)


def test_a_patch_changes_only_what_it_names() -> None:
    plan = plan_update(TASK, {"title": "Rewrite"}, replace=False)
    flags = (plan.moving, plan.check_parent, plan.check_assignee, plan.read_labels)
    assert flags == (False, False, False, False)
    change = finish(plan, TASK, now=NOW)
    assert change.values == {"title": "Rewrite"}
    assert change.changes == {"title": {"from": "Write", "to": "Rewrite"}}
    assert change.label_ids is None


def test_a_patch_with_the_same_values_changes_nothing() -> None:
    plan = plan_update(TASK, {"title": "Write", "priority": 2, "assignee_id": 5}, replace=False)
    assert not plan.check_assignee  # the same assignee: nothing to ask the database
    assert finish(plan, TASK, now=NOW).changes == {}


def test_a_put_resets_every_omitted_editable_field_but_project_parent_and_position() -> None:
    plan = plan_update(TASK, {"title": "Write"}, replace=True)
    assert plan.label_ids == []
    assert plan.read_labels  # whether labels change depends on the current ones
    assert plan.check_assignee  # reset to None, which is a change
    change = finish(plan, TASK, now=NOW, old_labels=[4])
    assert change.values == {
        "description": "",
        "priority": 0,
        "due_at": None,
        "assignee_id": None,
    }
    assert change.changes["label_ids"] == {"from": [4], "to": []}
    assert change.label_ids == []


@pytest.mark.parametrize("field", ["title", "status", "priority"])
def test_a_required_field_cannot_be_null(field: str) -> None:
    with pytest.raises(Unprocessable, match="cannot be null"):
        plan_update(TASK, {field: None}, replace=False)


def test_null_description_and_position_keep_sane_values() -> None:
    plan = plan_update(TASK, {"description": None, "position": None}, replace=False)
    change = finish(plan, TASK, now=NOW)
    assert change.values == {"description": ""}


def test_given_labels_are_distinct_and_sorted_and_checked() -> None:
    plan = plan_update(TASK, {"label_ids": [9, 3, 9]}, replace=False)
    assert (plan.label_ids, plan.read_labels) == ([3, 9], True)
    assert finish(plan, TASK, now=NOW, old_labels=[3, 9]).changes == {}
    change = finish(plan, TASK, now=NOW, old_labels=[3])
    assert change.changes == {"label_ids": {"from": [3], "to": [3, 9]}}
    assert "label_ids" not in change.values  # links are written apart from the columns


def test_moving_appends_drops_labels_and_asks_whether_the_assignee_stays() -> None:
    plan = plan_update(TASK, {"project_id": 2}, replace=False)
    assert plan.moving
    assert plan.after["position"] is None  # the target's end: the database knows it
    assert plan.assignee_must_be_member
    assert plan.read_labels
    with pytest.raises(ValueError, match="next position"):
        finish(plan, TASK, now=NOW)
    change = finish(plan, TASK, now=NOW, append_at="b11", assignee_is_member=False, old_labels=[4])
    assert change.values == {"project_id": 2, "position": "b11", "assignee_id": None}
    assert change.label_ids == []
    kept = finish(plan, TASK, now=NOW, append_at="b11", assignee_is_member=True)
    assert "assignee_id" not in kept.values


def test_moving_to_a_given_position_with_a_new_assignee_checks_it_instead() -> None:
    plan = plan_update(TASK, {"project_id": 2, "position": "a0V", "assignee_id": 5}, replace=False)
    assert plan.after["position"] == "a0V"
    assert plan.check_assignee  # unchanged, but the project is new
    assert not plan.assignee_must_be_member


def test_a_subtask_moved_alone_leaves_its_parent() -> None:
    subtask = replace(TASK, parent_id=6)
    plan = plan_update(subtask, {"project_id": 2}, replace=False)
    assert plan.after["parent_id"] is None
    assert plan.check_parent
    staying = plan_update(subtask, {"title": "x"}, replace=False)
    assert staying.after["parent_id"] == 6
    assert not staying.check_parent


@pytest.mark.parametrize(
    ("before_status", "before_completed", "given", "expected"),
    [
        ("todo", None, {"status": TaskStatus.DONE}, NOW),
        ("done", EARLIER, {"title": "still done"}, EARLIER),
        ("done", EARLIER, {"status": TaskStatus.IN_PROGRESS}, None),
        ("done", None, {"status": TaskStatus.DONE}, NOW),
    ],
)
def test_completed_at_follows_the_status(
    before_status: str,
    before_completed: datetime | None,
    given: dict[str, Any],
    expected: datetime | None,
) -> None:
    task = replace(TASK, status=before_status, completed_at=before_completed)
    change = finish(plan_update(task, given, replace=False), task, now=NOW)
    if expected == before_completed:
        assert "completed_at" not in change.values
    else:
        assert change.values["completed_at"] == expected


def test_the_verb_says_when_a_task_completes_or_reopens() -> None:
    assert update_verb("todo", "done") == "task.completed"
    assert update_verb("done", "in_progress") == "task.reopened"
    assert update_verb("todo", "in_progress") == "task.updated"
    assert update_verb("done", "done") == "task.updated"


def test_a_task_moved_to_another_project_leaves_its_section() -> None:
    in_section = replace(TASK, section_id=4)
    plan = plan_update(in_section, {"project_id": 2}, replace=False)
    assert plan.after["section_id"] is None
    assert not plan.check_section
    change = finish(plan, in_section, now=NOW, append_at="a1")
    assert change.changes["section_id"] == {"from": 4, "to": None}


def test_a_section_given_with_a_move_is_checked_in_the_new_project() -> None:
    plan = plan_update(
        replace(TASK, section_id=4), {"project_id": 2, "section_id": 9}, replace=False
    )
    assert plan.after["section_id"] == 9
    assert plan.check_section
    same = plan_update(replace(TASK, section_id=4), {"section_id": 4}, replace=False)
    assert not same.check_section


def test_the_schemas_position_pattern_is_exactly_the_keys_the_server_takes() -> None:
    """The OpenAPI pattern of a task's `position` accepts a string iff the library does
    (apart from `A` heads, left out of both): no schema-valid position meets a 422."""
    pattern = re.compile(KEY_PATTERN)
    alphabet = string.digits + string.ascii_uppercase + string.ascii_lowercase
    rng = random.Random(17)
    valid = [positions.after(None)]
    for _ in range(200):  # keys as moves make them: to the top, the bottom, between
        valid = sorted([positions.between(None, valid[0]), *valid])
        valid.append(positions.after(valid[-1]))
        valid = sorted([*valid, positions.between(valid[0], valid[1])])
    samples = valid + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(50_000)
    ]
    samples += [head + "0" * n + tail for head in "aZbYz" for n in range(4) for tail in "01z"]
    for key in samples:
        if key.startswith("A"):
            continue
        try:
            validate_order_key(key)
            taken = True
        except FIError:
            taken = False
        assert bool(pattern.match(key)) is taken is positions.is_key(key), key
    assert all(pattern.match(key) for key in valid)
    assert sum(1 for key in samples if pattern.match(key)) > len(valid)  # random ones too
