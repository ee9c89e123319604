"""Routes: GET /export, POST /import."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from taskflow.auth.dependencies import CurrentUser
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.validation import MAX_ID
from taskflow.transfer import csv_export, service
from taskflow.transfer.schemas import ExportDocument, ImportResult

router = APIRouter(tags=["export"], responses=error_responses(401))


@router.get(
    "/export",
    response_model=ExportDocument,
    responses={
        200: {"content": {"text/csv": {}}, "description": "JSON document, or CSV with format=csv"},
        **error_responses(404),
    },
)
async def export(
    session: ReadSessionDep,
    user: CurrentUser,
    format: Annotated[
        Literal["json", "csv"], Query(description="`csv`: one row per task")
    ] = "json",
    project_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="CSV: only this project's tasks")
    ] = None,
) -> ExportDocument | Response:
    """The projects you own and everything in them, as one versioned JSON document; or, with
    `format=csv`, every task of your projects (or of `project_id`) as CSV: id, project,
    section, parent_id, title, description, status, priority, due_at, labels, assignee,
    created_at, completed_at."""
    if format == "csv":
        body = await csv_export.export_csv(session, user, project_id)
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="taskflow-tasks.csv"'},
        )
    return await service.export_projects(session, user)


@router.post("/import", status_code=status.HTTP_201_CREATED, responses=error_responses(409))
async def import_(session: SessionDep, user: CurrentUser, document: ExportDocument) -> ImportResult:
    """Recreate an exported document for yourself (new ids; all or nothing)."""
    return await service.import_projects(session, user, document)
