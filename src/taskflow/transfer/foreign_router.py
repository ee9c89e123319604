"""Imports from other tools: POST /import/todoist, POST /import/trello (multipart `file`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status

from taskflow.auth.dependencies import CurrentUser
from taskflow.core.dependencies import SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.validation import SafeStr
from taskflow.transfer import importer
from taskflow.transfer.importer import ForeignImportResult, ImportPreview

router = APIRouter(prefix="/import", tags=["export"], responses=error_responses(401, 413, 422))

ProjectName = Annotated[
    SafeStr | None,
    Form(min_length=1, max_length=100, description="The new project's name (default: the file's)"),
]
DryRun = Annotated[
    bool,
    Query(description="Answer 200 with what would be created, and write nothing (a preview)"),
]
Upload = Annotated[UploadFile, File(description="The exported file")]
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": ImportPreview, "description": "With dry_run: the preview"},
    413: {
        "description": "The request is larger than TASKFLOW_MAX_IMPORT_BYTES (50 MiB by "
        "default); nothing is read or written"
    },
}


@router.post(
    "/todoist",
    status_code=status.HTTP_201_CREATED,
    response_model=ForeignImportResult | ImportPreview,
    responses=RESPONSES,
)
async def import_todoist(
    file: Upload,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
    project_name: ProjectName = None,
    dry_run: DryRun = False,
) -> ForeignImportResult | ImportPreview:
    """A Todoist project template CSV (with or without DESCRIPTION/DURATION) as one new
    project: `task` rows tasks (INDENT: subtasks), `note` rows comments, `section` rows
    sections, PRIORITY p1-p4 as 4/3/2/0, DATE read in DATE_LANG and TIMEZONE. All or nothing;
    a malformed file is 422 naming the line."""
    if dry_run:
        response.status_code = status.HTTP_200_OK
    return await importer.run(
        session, user, importer.todoist_parser, file.file, project_name, dry_run=dry_run
    )


@router.post(
    "/trello",
    status_code=status.HTTP_201_CREATED,
    response_model=ForeignImportResult | ImportPreview,
    responses=RESPONSES,
)
async def import_trello(
    file: Upload,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
    project_name: ProjectName = None,
    dry_run: DryRun = False,
) -> ForeignImportResult | ImportPreview:
    """A Trello board's JSON export as one new project: lists sections, cards tasks (closed
    or `dueComplete` done), labels, checklist items subtasks, comments, due dates. All or
    nothing; a malformed file is 422 naming the JSON path."""
    if dry_run:
        response.status_code = status.HTTP_200_OK
    return await importer.run(
        session, user, importer.trello_parser, file.file, project_name, dry_run=dry_run
    )
