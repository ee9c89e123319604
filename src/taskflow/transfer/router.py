"""Routes: GET /export (JSON; `?format=zip` with the files; `?format=csv`), POST /import."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from fastapi.routing import APIRoute

from taskflow.auth.dependencies import CurrentUser, app_settings
from taskflow.config import Settings
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.storage import storage_for
from taskflow.core.validation import MAX_ID
from taskflow.transfer import csv_export, service
from taskflow.transfer.archive import ImportArchive, open_archive, stream_file
from taskflow.transfer.schemas import ExportDocument, ImportResult

ZIP = "application/zip"
_ARCHIVE_STATE = "import_archive"


class ArchiveOrJsonRoute(APIRoute):
    """POST /import takes the JSON document, or the zip export: then the zip is spooled to a
    temporary file, its `export.json` becomes the body FastAPI validates, and the archive is
    handed to the handler (`ImportArchiveDep`) for the files."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if media_type != ZIP:
                return await handler(request)
            archive = await open_archive(request.stream())
            try:
                scope = dict(request.scope)
                scope["headers"] = [
                    (name, value)
                    for name, value in request.scope["headers"]
                    if name not in (b"content-type", b"content-length")
                ] + [(b"content-type", b"application/json")]
                document_request = Request(scope, request.receive)
                document_request._body = archive.document()
                document_request.state._state[_ARCHIVE_STATE] = archive
                return await handler(document_request)
            finally:
                archive.close()

        return route


router = APIRouter(tags=["export"], responses=error_responses(401))
import_router = APIRouter(
    tags=["export"], responses=error_responses(401), route_class=ArchiveOrJsonRoute
)

AppSettings = Annotated[Settings, Depends(app_settings)]


async def _import_archive(request: Request) -> ImportArchive | None:
    archive: ImportArchive | None = request.state._state.get(_ARCHIVE_STATE)
    return archive


ImportArchiveDep = Annotated[ImportArchive | None, Depends(_import_archive)]

_EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {ZIP: {"schema": {"type": "string", "format": "binary"}}, "text/csv": {}},
        "description": "The document (JSON); a zip of it and the files; or CSV",
    }
}
_IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "content": {ZIP: {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get(
    "/export",
    response_model=ExportDocument,
    responses={**_EXPORT_RESPONSES, **error_responses(404)},
)
async def export(
    session: ReadSessionDep,
    user: CurrentUser,
    settings: AppSettings,
    export_format: Annotated[
        Literal["json", "csv", "zip"],
        Query(alias="format", description="`csv`: one row per task; `zip`: JSON and files"),
    ] = "json",
    project_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="CSV: only this project's tasks")
    ] = None,
) -> ExportDocument | Response:
    """The projects you own and everything in them, as one versioned JSON document;
    `format=zip`: `export.json` and every attached file (`files/<sha256>`); `format=csv`:
    every task of your projects (or of `project_id`): id, project, section, parent_id,
    title, description, status, priority, due_at, labels, assignee, created_at,
    completed_at."""
    if export_format == "csv":
        body = await csv_export.export_csv(session, user, project_id)
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="taskflow-tasks.csv"'},
        )
    if export_format == "json":
        return await service.export_projects(session, user)
    archive = await service.export_archive(session, user, storage_for(settings))
    name = f"taskflow-export-{datetime.now(UTC):%Y%m%d}.zip"
    return StreamingResponse(
        stream_file(archive),
        media_type=ZIP,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@import_router.post(
    "/import",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409),
    openapi_extra=_IMPORT_BODY,
)
async def import_(
    session: SessionDep,
    user: CurrentUser,
    settings: AppSettings,
    document: ExportDocument,
    archive: ImportArchiveDep,
) -> ImportResult:
    """Recreate an exported document for yourself (new ids; all or nothing). Send the JSON,
    or the zip of `GET /export?format=zip` (`Content-Type: application/zip`) to bring the
    attached files back too."""
    return await service.import_projects(
        session,
        user,
        document,
        archive=archive,
        storage=storage_for(settings) if archive is not None else None,
        max_attachment_bytes=settings.max_attachment_bytes,
    )
