"""Routes: GET /export, POST /import."""

from __future__ import annotations

from fastapi import APIRouter, status

from taskflow.auth.dependencies import CurrentUser
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.transfer import service
from taskflow.transfer.schemas import ExportDocument, ImportResult

router = APIRouter(tags=["export"], responses=error_responses(401))


@router.get("/export")
async def export(session: ReadSessionDep, user: CurrentUser) -> ExportDocument:
    """The projects you own and everything in them, as one versioned JSON document."""
    return await service.export_projects(session, user)


@router.post("/import", status_code=status.HTTP_201_CREATED, responses=error_responses(409))
async def import_(session: SessionDep, user: CurrentUser, document: ExportDocument) -> ImportResult:
    """Recreate an exported document for yourself (new ids; all or nothing)."""
    return await service.import_projects(session, user, document)
