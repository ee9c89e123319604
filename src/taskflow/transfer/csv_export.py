"""`GET /export?format=csv`: one row per task of the caller's projects (or of one)."""

from __future__ import annotations

import csv
import io

from taskflow.core.errors import NotFound
from taskflow.db.reads import Reader
from taskflow.projects.permissions import is_member
from taskflow.tasks import project_reads
from taskflow.users.models import User

COLUMNS = (
    "id", "project", "section", "parent_id", "title", "description", "status", "priority",
    "due_at", "labels", "assignee", "created_at", "completed_at",
)  # fmt: skip
# A cell a spreadsheet would run as a formula is prefixed with a quote (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


async def export_csv(session: Reader, user: User, project_id: int | None) -> str:
    if project_id is not None and not await is_member(session, project_id, user.id):
        raise NotFound("Project not found")
    rows = await project_reads.export_rows(session, user.id, project_id=project_id)
    labels = await project_reads.export_label_names(session, user.id, project_id=project_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for task, project_name, section_name, assignee in rows:
        writer.writerow(
            _cell(value)
            for value in (
                task.id, project_name, section_name, task.parent_id, task.title,
                task.description, task.status, task.priority, task.due_at,
                ", ".join(labels.get(task.id, [])), assignee, task.created_at, task.completed_at,
            )
        )  # fmt: skip
    return out.getvalue()
