"""Storage failures as answers: 507 when the storage is full, else 503 (nothing was stored).

Kept apart from ``app.core.errors`` so the general error pages know nothing of the storage."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import Response

from app.core.errors import RETRY_SECONDS, error_response
from foundation.storage import StorageError, StorageFullError

log = logging.getLogger(__name__)


def install_storage_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(StorageError, storage_unavailable)  # type: ignore[arg-type]


async def storage_unavailable(request: Request, error: StorageError) -> Response:
    """Nothing was stored (writes are atomic); the request can be sent again once there is room
    or the store answers: 507 when full, else 503."""
    log.warning("storage error on %s %s: %s", request.method, request.url.path, error)
    full = isinstance(error, StorageFullError)
    detail = (
        "the storage is full, so nothing was stored; an operator has to free space"
        if full
        else "the storage is unavailable right now, so nothing was stored; try again in a minute"
    )
    response = error_response(request, 507 if full else 503, detail)
    response.headers["Retry-After"] = RETRY_SECONDS
    return response
