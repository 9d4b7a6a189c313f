"""``/docs`` and ``/redoc``: Swagger UI and ReDoc served from ``app/static/vendor`` (no CDN, so an
offline installation has them), with no inline script (the page's strict CSP forbids it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.core.templates import templates

page_router = APIRouter(include_in_schema=False)


@page_router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    return _page(request, "api_docs/swagger.html")


@page_router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    return _page(request, "api_docs/redoc.html")


def _page(request: Request, template: str) -> HTMLResponse:
    context = {
        "openapi_url": request.app.openapi_url,
        "title": request.app.title,
        # The CSP nonce of this response, where the security headers set one: ReDoc puts it on
        # the <style> elements it writes, so style-src needs no 'unsafe-inline'.
        "csp_nonce": getattr(request.state, "csp_nonce", None),
    }
    return templates.TemplateResponse(request, template, context)
