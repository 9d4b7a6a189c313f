"""Errors as ``{"detail": "..."}`` JSON under /api (and /healthz), as an HTML page elsewhere."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from app.core.templates import templates

log = logging.getLogger(__name__)

# Lost or refused database connections: the service is degraded, not the request wrong.
DATABASE_OUTAGES = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)
DATABASE_RETRY_SECONDS = "30"
RETRY_SECONDS = DATABASE_RETRY_SECONDS


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    for outage in DATABASE_OUTAGES:
        app.add_exception_handler(outage, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path in {"/healthz", "/openapi.json"}


def error_response(request: Request, status_code: int, detail: str) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": detail}, status_code=status_code)
    context = {"status_code": status_code, "detail": detail}
    return templates.TemplateResponse(request, "error.html", context, status_code=status_code)


async def _http_error(request: Request, error: HTTPException) -> Response:
    response = error_response(request, error.status_code, str(error.detail))
    response.headers.update(error.headers or {})
    return response


async def _validation_error(request: Request, error: RequestValidationError) -> Response:
    return error_response(request, 422, describe_validation_errors(error))


async def _database_unavailable(request: Request, error: Exception) -> Response:
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, error)
    detail = "the database is unavailable right now; please try again in a minute"
    response = error_response(request, 503, detail)
    response.headers["Retry-After"] = DATABASE_RETRY_SECONDS
    return response


async def _unexpected_error(request: Request, error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    if wants_json(request):
        return JSONResponse({"detail": "internal server error"}, status_code=500)
    return HTMLResponse("<h1>500</h1><p>Internal server error.</p>", status_code=500)


def describe_validation_errors(error: RequestValidationError) -> str:
    """One readable sentence per problem, e.g. ``path job_id: Input should be a valid integer``."""
    parts = []
    for problem in error.errors():
        where = " ".join(str(part) for part in problem.get("loc", ()))
        parts.append(f"{where}: {problem.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"
