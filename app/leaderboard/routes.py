"""``/``: the leaderboard page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.core.db import SessionDep
from app.core.templates import templates
from app.leaderboard import service

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def leaderboard_page(request: Request, session: SessionDep) -> HTMLResponse:
    table = service.leaderboard(session)
    return templates.TemplateResponse(request, "leaderboard.html", {"table": table})
