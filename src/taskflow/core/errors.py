"""Domain errors, and the one place that maps them to HTTP responses."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule was broken; `status_code` is how HTTP says it."""

    status_code = 400
    default_detail = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.detail = detail or self.default_detail
        self.headers = headers or {}
        super().__init__(self.detail)


class BadRequest(DomainError):
    status_code = 400
    default_detail = "Bad request"


class Unauthorized(DomainError):
    status_code = 401
    default_detail = "Not authenticated"

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer", **(headers or {})})


class Forbidden(DomainError):
    status_code = 403
    default_detail = "Not allowed"


class NotFound(DomainError):
    status_code = 404
    default_detail = "Not found"


class Conflict(DomainError):
    status_code = 409
    default_detail = "Conflict"


class PreconditionFailed(DomainError):
    status_code = 412
    default_detail = "The resource has changed; reload it and try again"


class Unprocessable(DomainError):
    status_code = 422
    default_detail = "Invalid input"


class TooManyRequests(DomainError):
    status_code = 429
    default_detail = "Too many requests"

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class ServiceUnavailable(DomainError):
    status_code = 503
    default_detail = "Service temporarily unavailable"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": "5"})


class ErrorBody(BaseModel):
    """Every error but 422: `{"detail": "what went wrong"}`."""

    detail: str


class InvalidInputBody(BaseModel):
    """422: FastAPI's list of field errors, or one sentence when a rule needs the database
    to decide (an assignee who is not a member, a label of another project)."""

    detail: list[dict[str, Any]] | str


_ERROR_DESCRIPTIONS = {
    400: "Bad request: a malformed body (not UTF-8) or header, or a rule the request broke",
    401: "Not authenticated: no, an invalid or an expired token (`WWW-Authenticate: Bearer`)",
    403: "Authenticated, but the caller's role does not allow this",
    404: "Not found, or not visible to the caller",
    409: "Conflicts with the current state (a taken name, the Inbox, a concurrent change)",
    412: "`If-Match` names a version that is no longer current; nothing changed",
    413: "The request body is larger than TASKFLOW_MAX_BODY_BYTES (an upload: than "
    "TASKFLOW_MAX_ATTACHMENT_BYTES)",
    415: "The body is not of a media type this route takes",
    422: "Invalid input",
    429: "Too many requests; `Retry-After` says when to try again",
    503: "The database is unavailable; `Retry-After` says when to try again",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the error codes a route can answer with."""
    return {
        code: {
            "model": InvalidInputBody if code == 422 else ErrorBody,
            "description": _ERROR_DESCRIPTIONS[code],
        }
        for code in codes
    }


async def _domain_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    return JSONResponse({"detail": error.detail}, error.status_code, headers=error.headers)


async def _database_unavailable(request: Request, error: Exception) -> JSONResponse:
    # A lost or refused connection is an outage, not a bug: say 503 so clients retry.
    if isinstance(error, DBAPIError) and not _is_connection_problem(error):
        raise error
    logger.warning("database unavailable: %s %s: %s", request.method, request.url.path, error)
    return JSONResponse(
        {"detail": "Database unavailable, try again shortly"}, 503, headers={"Retry-After": "5"}
    )


# SQLSTATEs that mean "the server is not there for us", not "the query is wrong": connection
# exceptions (class 08), shutting down or starting up (57P01-57P03, e.g. crash recovery),
# too many connections.
_UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03", "53300"}
_CONNECTION_ERROR_NAMES = {
    "ConnectionDoesNotExistError",
    "CannotConnectNowError",
    "InterfaceError",
    "ConnectionFailureError",
    "AdminShutdownError",
    "InternalClientError",
}


def _is_connection_problem(error: DBAPIError) -> bool:
    if error.connection_invalidated or isinstance(error, OperationalError):
        return True
    # The driver's exception may sit under an adapter's wrapper: look down the whole chain.
    cause: BaseException | None = error.orig
    seen = 0
    while cause is not None and seen < 10:
        if isinstance(cause, OSError | ConnectionError):
            return True
        if type(cause).__name__ in _CONNECTION_ERROR_NAMES:
            return True
        sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if isinstance(sqlstate, str) and (
            sqlstate.startswith("08") or sqlstate in _UNAVAILABLE_SQLSTATES
        ):
            return True
        cause = cause.__cause__ or cause.__context__
        seen += 1
    return False


async def _integrity_error(request: Request, error: Exception) -> JSONResponse:
    # Services check rules before writing; a constraint that still fires means a concurrent
    # request changed what was checked (a label deleted while being attached). Retryable.
    logger.warning("integrity error: %s %s: %s", request.method, request.url.path, error)
    return JSONResponse(
        {"detail": "The request conflicts with a concurrent change; reload and try again"}, 409
    )


async def _invalid_request(_: Request, error: Exception) -> Response:
    # FastAPI's own 422, except that the echoed input is ASCII-escaped: input that cannot be
    # encoded as UTF-8 (a lone surrogate such as "\ud800" in JSON) is refused, not a 500.
    assert isinstance(error, RequestValidationError)
    body = json.dumps({"detail": jsonable_encoder(error.errors())}, ensure_ascii=True)
    return Response(body, status_code=422, media_type="application/json")


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


async def _http_error(request: Request, error: Exception) -> Response:
    # A 405 names every method the path has (Starlette's names only the first route's).
    assert isinstance(error, StarletteHTTPException)
    if error.status_code != 405:
        return await http_exception_handler(request, error)
    routes = request.app.router.routes
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]
    headers = {"Allow": ", ".join(allowed)} if allowed else dict(error.headers or {})
    return JSONResponse({"detail": error.detail}, 405, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DBAPIError, _database_unavailable)
    app.add_exception_handler(PoolTimeoutError, _database_unavailable)
    # Raised bare by the driver while connecting (refused, or reset by a server going down
    # during the SSL handshake), not wrapped in a DBAPIError; and a connect that timed out.
    app.add_exception_handler(ConnectionError, _database_unavailable)
    app.add_exception_handler(TimeoutError, _database_unavailable)
