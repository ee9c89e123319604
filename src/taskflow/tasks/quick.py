"""Quick add (SPEC §9): lines of text become tasks, their dates, recurrences, priorities,
projects, labels and assignees read from the words (`quick_parse.py`, `quick_dates.py`).

Names are looked up in a fixed number of statements whatever the number of lines: the
caller's projects by name, the target projects' labels, their members by username. What
does not resolve stays in the title. `dry_run` answers what would be created, with the spans
the web app highlights, and writes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import record, record_many
from taskflow.core.clock import zone
from taskflow.core.errors import Conflict, Unprocessable
from taskflow.db import utcnow
from taskflow.projects.models import Project, ProjectMember
from taskflow.projects.permissions import CURATE, EDIT, READ, Role, membership, require_role
from taskflow.projects.queries import inbox_id
from taskflow.tasks import notices, project_reads, queries
from taskflow.tasks.drafts import TaskDraft, create_many, ensure_labels
from taskflow.tasks.planning import check_times
from taskflow.tasks.quick_parse import ParsedLine, SpanKind, Token, parse_line, title_without
from taskflow.tasks.quick_schemas import MAX_LINES, QuickDraft, QuickSpan
from taskflow.tasks.schemas import TaskPublic
from taskflow.users.models import User

_TITLE_MAX = 500
_LABEL_NAME_MAX = 50  # schemas.LabelName, the column's length
_NEW_LABEL_COLOR = "#808080"


@dataclass(slots=True)
class _Names:
    """What the names of the text resolve to."""

    projects: dict[str, int]  # lower-cased name -> id
    roles: dict[int, tuple[Role, bool]]  # target project -> (caller's role, archived)
    labels: dict[tuple[int, str], int]  # (project, lower-cased name) -> id
    members: dict[tuple[int, str], int]  # (project, lower-cased username) -> user id


def _lines(text: str) -> list[tuple[str, int]]:
    """The non-empty lines and where each starts in `text`."""
    lines, offset = [], 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        if line.strip():
            lines.append((line, offset))
        offset += len(raw)
    if len(lines) > MAX_LINES:
        raise Unprocessable(f"text: at most {MAX_LINES} lines (one task each)")
    return lines


async def _projects_named(session: AsyncSession, user_id: int, names: set[str]) -> dict[str, int]:
    """The caller's projects by lower-cased name (the oldest one when two share a name)."""
    if not names:
        return {}
    rows = await session.execute(
        select(Project.id, Project.name)
        .join(ProjectMember, membership(Project.id, user_id))
        .where(func.lower(Project.name).in_(names))
        .order_by(Project.id)
    )
    found: dict[str, int] = {}
    for project_id, name in rows:
        found.setdefault(name.lower(), project_id)
    return found


async def _members_named(
    session: AsyncSession, project_ids: Collection[int], usernames: set[str]
) -> dict[tuple[int, str], int]:
    if not usernames or not project_ids:
        return {}
    rows = await session.execute(
        select(ProjectMember.project_id, User.username_key, User.id)
        .join(User, User.id == ProjectMember.user_id)
        .where(ProjectMember.project_id.in_(project_ids), User.username_key.in_(usernames))
    )
    return {(project_id, key): user_id for project_id, key, user_id in rows}


def _names_of(lines: Sequence[ParsedLine], kind: SpanKind) -> set[str]:
    return {token.value.lower() for line in lines for token in line.tokens if token.kind == kind}


def _target(line: ParsedLine, names: _Names, default: int) -> tuple[int, Token | None]:
    for token in line.tokens:
        if token.kind == "project" and token.value.lower() in names.projects:
            return names.projects[token.value.lower()], token
    return default, None


async def _resolve(
    session: AsyncSession, user: User, lines: Sequence[ParsedLine], project_id: int | None,
    *, dry_run: bool,
) -> tuple[_Names, int]:  # fmt: skip
    need = READ if dry_run else EDIT
    names = _Names(await _projects_named(session, user.id, _names_of(lines, "project")), {}, {}, {})
    default = project_id if project_id is not None else await inbox_id(session, user.id)
    targets = {_target(line, names, default)[0] for line in lines}
    for target in sorted(targets):
        access = await require_role(session, target, user.id, need)
        names.roles[target] = (access.role, access.project.archived)
    if _names_of(lines, "label"):
        names.labels = {
            (label.project_id, label.name.lower()): label.id
            for label in await project_reads.labels_in(session, targets)
        }
    names.members = await _members_named(session, targets, _names_of(lines, "assignee"))
    return names, default


def _may_curate(role: tuple[Role, bool]) -> bool:
    return role[0].at_least(CURATE.role) and not role[1]


def _may_name_a_label(name: str) -> bool:
    """A name the labels API would store as sent (`LabelName`: 1 to 50 characters, not blank,
    no whitespace around it); another stays in the title."""
    return 0 < len(name) <= _LABEL_NAME_MAX and name == name.strip()


def _due_utc(due: datetime | date | None, timezone: str) -> tuple[datetime | None, bool]:
    if due is None:
        return None, False
    all_day = not isinstance(due, datetime)
    local = due if isinstance(due, datetime) else datetime.combine(due, time(0))
    return local.replace(tzinfo=zone(timezone)).astimezone(UTC), all_day


def _draft(line: ParsedLine, names: _Names, default: int, timezone: str) -> QuickDraft:
    project_id, project_token = _target(line, names, default)
    spans: list[tuple[int, int, SpanKind]] = list(line.date_spans)
    label_ids: list[int] = []
    label_names: list[str] = []
    assignee_id: int | None = None
    priority_seen = False
    for token in line.tokens:
        key = (project_id, token.value.lower())
        if token.kind == "project" and token is not project_token:
            continue
        if token.kind == "label":
            if key in names.labels:
                label_ids.append(names.labels[key])
            elif not _may_curate(names.roles[project_id]) or not _may_name_a_label(token.value):
                continue
            if token.value.lower() in (name.lower() for name in label_names):
                continue
            label_names.append(token.value)
        if token.kind == "assignee":
            if key not in names.members or assignee_id is not None:
                continue
            assignee_id = names.members[key]
        if token.kind == "priority":
            if priority_seen:
                continue
            priority_seen = True
        spans.append((token.start, token.end, token.kind))
    due_at, all_day = _due_utc(line.due, timezone)
    priority = line.priority
    return QuickDraft(
        title=title_without(line.text, [(start, end) for start, end, _ in spans]),
        project_id=project_id,
        due_at=due_at,
        due_all_day=all_day,
        recurrence=line.recurrence,
        recurrence_basis="completion" if line.completion_basis else "due",
        priority=priority if priority is not None else 0,
        label_ids=sorted(set(label_ids)),
        label_names=label_names,
        assignee_id=assignee_id,
        spans=[
            QuickSpan(start=line.offset + start, end=line.offset + end, kind=kind)
            for start, end, kind in sorted(spans)
        ],
    )


async def read(
    session: AsyncSession, user: User, text: str, project_id: int | None, *, dry_run: bool
) -> list[QuickDraft]:
    """What each line would create (access checked: READ for a dry run, EDIT otherwise)."""
    now = utcnow().astimezone(zone(user.timezone)).replace(tzinfo=None)
    lines = [parse_line(line, offset, now) for line, offset in _lines(text)]
    if not lines:
        raise Unprocessable("text: there is no task in it (every line is blank)")
    names, default = await _resolve(session, user, lines, project_id, dry_run=dry_run)
    return [_draft(line, names, default, user.timezone) for line in lines]


async def create(
    session: AsyncSession, user: User, text: str, project_id: int | None
) -> list[TaskPublic]:
    """The tasks of the text, in order, after the last task of their projects."""
    drafts = await read(session, user, text, project_id, dry_run=False)
    now = utcnow()
    for number, draft in enumerate(drafts, 1):
        if not draft.title:
            raise Unprocessable(f"text: line {number} holds no title, only what was understood")
        if len(draft.title) > _TITLE_MAX:
            raise Unprocessable(f"text: line {number}'s title is over {_TITLE_MAX} characters")
        fields: dict[str, Any] = {
            "start_at": None,
            "due_at": draft.due_at,
            "recurrence": draft.recurrence,
        }
        check_times({}, fields, timezone=user.timezone, now=now)
        draft.recurrence = fields["recurrence"]
    # Each project's new labels, one per name in any case (spelled as first written): `@Foo`
    # and `@foo` on two lines are one label.
    wanted: dict[int, list[tuple[str, str]]] = {}
    for draft in drafts:
        names = wanted.setdefault(draft.project_id, [])
        for name in draft.label_names:
            if all(name.lower() != taken.lower() for taken, _ in names):
                names.append((name, _NEW_LABEL_COLOR))
    try:
        async with session.begin_nested():
            labels = await _labels(session, user.id, wanted)
    except IntegrityError:  # another request created one of these labels meanwhile
        raise Conflict("A label of that name was just created; send the text again") from None
    counts = Counter(draft.project_id for draft in drafts)
    keys = {
        pid: iter(await queries.next_positions(session, pid, counts[pid])) for pid in sorted(wanted)
    }
    tasks: list[TaskDraft] = []
    for draft in drafts:
        position = next(keys[draft.project_id])
        tasks.append(
            TaskDraft(
                project_id=draft.project_id, title=draft.title, position=position,
                priority=draft.priority, due_at=draft.due_at, due_all_day=draft.due_all_day,
                recurrence=draft.recurrence, recurrence_basis=draft.recurrence_basis,
                assignee_id=draft.assignee_id,
                label_ids=[labels[draft.project_id, name.lower()] for name in draft.label_names],
            )
        )  # fmt: skip
    task_ids = await create_many(session, user.id, tasks)
    # Quick add has no description, so no mentions: activity, watching and the view cost
    # one statement each for all the lines.
    await record_many(
        session, verb="task.created", actor_id=user.id,
        changes=[(task.project_id, task_id, {"title": task.title})
                 for task_id, task in zip(task_ids, tasks, strict=True)],
    )  # fmt: skip
    await notices.tasks_created(
        session, user,
        [(task_id, task.project_id, task.title, task.assignee_id)
         for task_id, task in zip(task_ids, tasks, strict=True)],
    )  # fmt: skip
    return await queries.task_views(session, user.id, task_ids)


async def _labels(
    session: AsyncSession, user_id: int, wanted: dict[int, list[tuple[str, str]]]
) -> dict[tuple[int, str], int]:
    """Label ids by (project, lower-cased name): existing ones matched in any case, the others
    created (the caller may curate those projects: `_draft` kept only such names)."""
    with_labels = [pid for pid, names in wanted.items() if names]
    existing = {
        (label.project_id, label.name.lower()): label.name
        for label in await project_reads.labels_in(session, with_labels)
    }
    # ensure_labels matches exact names: give it the stored spelling of an existing label.
    exact = {
        pid: [(existing.get((pid, name.lower()), name), color) for name, color in names]
        for pid, names in wanted.items()
    }
    ids = await ensure_labels(session, exact)
    for (pid, name), label_id in ids.items():
        if (pid, name.lower()) not in existing:
            record(session, verb="label.created", project_id=pid, actor_id=user_id,
                   changes={"label_id": label_id, "name": name})  # fmt: skip
    return {(pid, name.lower()): label_id for (pid, name), label_id in ids.items()}
