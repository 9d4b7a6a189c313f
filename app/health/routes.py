"""``GET /healthz``: 200 while the database answers; the queue's state is reported beside it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.health import service

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    database = service.database_status(request.app.state.session_factory)
    queue = service.queue_status(request.app.state.celery)
    status = "ok" if database == "ok" else "unavailable"
    body = {"status": status, "database": database, "queue": queue}
    return JSONResponse(body, status_code=200 if status == "ok" else 503)
