"""``/``: the leaderboard page, ``GET /api/v1/leaderboard`` and the view's CSV / BibTeX.

A signed-out visitor's view is served as ready bytes shared by every web process
(``app.leaderboard.public``), on the event loop: these routes are ``async`` and open no
database session for a request without credentials. A signed-in viewer's board is their own
(private models), built in the thread pool."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Literal

from anyio import to_thread
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.catalog.visibility import ViewerDep, get_viewer, signed_out
from app.core.db import SessionDep, request_session
from app.core.templates import templates
from app.exports import service as exports
from app.leaderboard import public, service
from app.leaderboard.params import QueryDep
from app.leaderboard.render import board_fragment, csv_body, folded_columns, json_body
from app.leaderboard.schemas import LeaderboardOut

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["leaderboard"])
HTML_MEDIA_TYPE = "text/html; charset=utf-8"
JSON_MEDIA_TYPE = "application/json"


def board_or_error(session: SessionDep, viewer: ViewerDep, query: QueryDep) -> service.Leaderboard:
    try:
        return service.leaderboard(session, viewer, query)
    except (service.UnknownPresetError, service.UnknownColumnError) as error:
        raise HTTPException(422, str(error)) from None


def whole_view(query: service.LeaderboardQuery) -> service.LeaderboardQuery:
    return replace(query, offset=0, limit=service.MAX_LIMIT)


@router.get("/", response_class=HTMLResponse)
async def leaderboard_page(
    request: Request,
    query: QueryDep,
    collapsed: Annotated[str, Query(max_length=2000)] = "",
) -> Response:
    if signed_out(request):
        view = public.page_view(query, collapsed, request.scope.get("root_path", ""))
        return await _public(request, view, HTML_MEDIA_TYPE)
    return await to_thread.run_sync(_viewer_page, request, query, collapsed)


def _viewer_page(request: Request, query: service.LeaderboardQuery, collapsed: str) -> Response:
    with request_session(request) as session:
        board = board_or_error(session, get_viewer(request, session), query)
    fragment = board_fragment(board, folded_columns(board, collapsed))
    # The page around the board (header, signed-in user, CSRF tokens) is rendered per request.
    context = {"board_html": fragment.decode()}
    return templates.TemplateResponse(request, "leaderboard.html", context)


@router.get("/exports/leaderboard.csv")
async def leaderboard_csv(request: Request, query: QueryDep) -> Response:
    """Every row of the view, not just the page shown."""
    if signed_out(request):
        view = public.PublicView("csv", whole_view(query))
        return await _public(request, view, exports.CSV_MEDIA_TYPE)
    return await to_thread.run_sync(_viewer_board, request, whole_view(query), "csv")


@router.get("/exports/leaderboard.bib")
def leaderboard_bibtex(session: SessionDep, viewer: ViewerDep, query: QueryDep) -> Response:
    board = board_or_error(session, viewer, whole_view(query))
    text = exports.leaderboard_bibtex(session, board)
    return _download(text, exports.BIBTEX_MEDIA_TYPE, "benchmarks.bib")


@api_router.get("/leaderboard", response_model=LeaderboardOut)
async def leaderboard_api(
    request: Request, query: QueryDep, format: Literal["json", "csv"] = "json"
) -> Response:
    """Ranked rows: model, aggregate, per-benchmark {raw, ceiled, error, status} (the shape of
    ``LeaderboardOut``, sent without re-validation for speed). Sent with an ETag naming the
    board version, the view and the models the viewer may see; ``If-None-Match`` gets a 304."""
    if signed_out(request):
        media_type = exports.CSV_MEDIA_TYPE if format == "csv" else JSON_MEDIA_TYPE
        return await _public(request, public.PublicView(format, query), media_type)
    return await to_thread.run_sync(_viewer_board, request, query, format)


def _viewer_board(
    request: Request, query: service.LeaderboardQuery, format: Literal["json", "csv"]
) -> Response:
    """The signed-in viewer's own board (their private models), in the thread pool: the viewer
    and the board need the database."""
    with request_session(request) as session:
        board = board_or_error(session, get_viewer(request, session), query)
    if format == "csv":
        return _ready(request, f"{board.tag}-csv", lambda: csv_body(board), exports.CSV_MEDIA_TYPE)
    return _ready(request, f"{board.tag}-json", lambda: json_body(board), JSON_MEDIA_TYPE)


async def _public(request: Request, view: public.PublicView, media_type: str) -> Response:
    try:
        ready = await public.ready(request.app, view)
    except (service.UnknownPresetError, service.UnknownColumnError) as error:
        raise HTTPException(422, str(error)) from None
    return _ready(request, f"{ready.etag}-{view.kind}", lambda: ready.body, media_type)


def _ready(request: Request, tag: str, render: Callable[[], bytes], media_type: str) -> Response:
    """The ready bytes, or 304 when the client holds them. ``private``: a signed-in viewer's
    board may hold their private models, so no shared cache may keep it."""
    etag = f'"{tag}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if media_type == exports.CSV_MEDIA_TYPE:
        headers["Content-Disposition"] = 'attachment; filename="leaderboard.csv"'
    if etag in _etags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    return Response(render(), media_type=media_type, headers=headers)


def _etags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",")[:32]}


def _download(text: str, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(text, media_type=media_type, headers=headers)
