"""``GET /healthz``: each part's state and, in ``detail``, what is unavailable to users meanwhile.

503 when a part this web process needs does not answer (the database, the queue, the storage);
200 otherwise, with ``status`` ``degraded`` when the workers are missing or cannot validate
uploads safely. A decision: load balancers take a web process out on a 503, and dead workers
do not stop it serving pages, scores and the API, so they must not take the site down."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.health import service
from foundation.storage import storage_from_settings

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    state = request.app.state
    settings = state.settings
    database = service.database_status(state.session_factory)
    # Without the database the workers' heartbeats cannot be read: do not wait on it twice.
    workers = (
        service.workers_report(state.session_factory, settings.worker_stale_seconds)
        if database == "ok"
        else service.WorkersReport(service.WORKERS_UNKNOWN)
    )
    body: dict[str, Any] = service.overall(
        {
            "database": database,
            "queue": service.queue_status(state.celery, settings.broker_url),
            "storage": service.storage_status(storage_from_settings(settings)),
            "workers": workers.state,
        }
    )
    body.update(live_workers=workers.live, sandbox=workers.sandbox)
    needed = ("database", "queue", "storage")
    return JSONResponse(body, status_code=200 if all(body[p] == "ok" for p in needed) else 503)
