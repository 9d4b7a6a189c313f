"""``GET /favicon.ico``: browsers ask for it whatever the page links, so it is served here (the
pages also link ``/static/favicon.svg``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from app.core.templates import STATIC_DIR

router = APIRouter(include_in_schema=False)

FAVICON = STATIC_DIR / "favicon.ico"
ONE_DAY = 24 * 3600


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    headers = {"Cache-Control": f"public, max-age={ONE_DAY}"}
    return FileResponse(FAVICON, media_type="image/x-icon", headers=headers)
