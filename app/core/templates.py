"""The jinja2 environment shared by every page."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from app.core.urls import web_url_or_none

APP_DIR = Path(__file__).resolve().parents[1]
templates = Jinja2Templates(directory=APP_DIR / "templates")
# ``{{ value | web_url }}``: the link if it is http(s), else None (no ``javascript:`` hrefs).
templates.env.filters["web_url"] = web_url_or_none
STATIC_DIR = APP_DIR / "static"


def duration(seconds: float | None) -> str:
    """``95`` → ``"2 min"``; None (nothing measured yet) → ``"unknown"``."""
    if seconds is None:
        return "unknown"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


templates.env.filters["duration"] = duration
