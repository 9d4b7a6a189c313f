"""``GET /healthz``: 200 when the database, the queue and the storage all answer; otherwise 503
with each part's state and, in ``detail``, what is unavailable to users meanwhile."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.health import service
from foundation.storage import storage_from_settings

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    state = request.app.state
    body = service.overall(
        {
            "database": service.database_status(state.session_factory),
            "queue": service.queue_status(state.celery),
            "storage": service.storage_status(storage_from_settings(state.settings)),
        }
    )
    return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)
