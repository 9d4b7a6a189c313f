"""``/``: the leaderboard page, ``GET /api/v1/leaderboard`` and the view's CSV / BibTeX."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.catalog.visibility import ViewerDep
from app.core.db import SessionDep
from app.core.templates import templates
from app.exports import service as exports
from app.leaderboard import service
from app.leaderboard.params import QueryDep, query_params
from app.leaderboard.schemas import LeaderboardOut, leaderboard_payload
from app.leaderboard.view import ancestors, cell_view, column_scales, origin_label
from scoring.benchmarks.presets import PRESETS

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["leaderboard"])


def board_or_error(session: SessionDep, viewer: ViewerDep, query: QueryDep) -> service.Leaderboard:
    try:
        return service.leaderboard(session, viewer, query)
    except (service.UnknownPresetError, service.UnknownColumnError) as error:
        raise HTTPException(422, str(error)) from None


def whole_view(query: service.LeaderboardQuery) -> service.LeaderboardQuery:
    return replace(query, offset=0, limit=service.MAX_LIMIT)


@router.get("/", response_class=HTMLResponse)
def leaderboard_page(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    query: QueryDep,
    collapsed: Annotated[str, Query(max_length=2000)] = "",
) -> HTMLResponse:
    board = board_or_error(session, viewer, query)
    parents = {column.identifier for column in board.columns if not column.is_leaf}
    folded = tuple(sorted(set(collapsed.split(",")) & parents))  # bounded: known parents only
    fragment = board_fragment(board, folded)
    # The page around the board (header, signed-in user, CSRF tokens) is rendered per request.
    context = {"board_html": fragment.decode()}
    return templates.TemplateResponse(request, "leaderboard.html", context)


def board_fragment(board: service.Leaderboard, folded: tuple[str, ...]) -> bytes:
    return _rendered(board, ("board", folded), lambda: _render_board(board, folded).encode())


def _render_board(board: service.Leaderboard, collapsed: tuple[str, ...]) -> str:
    context = {
        "board": board,
        "scales": column_scales(board),
        "ancestors": ancestors(board),
        "cell_view": cell_view,
        "origin_label": origin_label,
        "presets": PRESETS,
        "params": lambda **changes: query_params(board.query, **changes),
        "collapsed": list(collapsed),
    }
    return templates.get_template("_leaderboard_board.html").render(context)


@router.get("/exports/leaderboard.csv")
def leaderboard_csv(
    request: Request, session: SessionDep, viewer: ViewerDep, query: QueryDep
) -> Response:
    """Every row of the view, not just the page shown."""
    board = board_or_error(session, viewer, whole_view(query))
    return _ready(request, board, "csv", lambda: csv_body(board), exports.CSV_MEDIA_TYPE)


@router.get("/exports/leaderboard.bib")
def leaderboard_bibtex(session: SessionDep, viewer: ViewerDep, query: QueryDep) -> Response:
    board = board_or_error(session, viewer, whole_view(query))
    text = exports.leaderboard_bibtex(session, board)
    return _download(text, exports.BIBTEX_MEDIA_TYPE, "benchmarks.bib")


@api_router.get("/leaderboard", response_model=LeaderboardOut)
def leaderboard_api(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    query: QueryDep,
    format: Literal["json", "csv"] = "json",
) -> Response:
    """Ranked rows: model, aggregate, per-benchmark {raw, ceiled, error, status} (the shape of
    ``LeaderboardOut``, sent without re-validation for speed). Sent with an ETag naming the
    board version, the view and the models the viewer may see; ``If-None-Match`` gets a 304."""
    board = board_or_error(session, viewer, query)
    if format == "csv":
        return _ready(request, board, "csv", lambda: csv_body(board), exports.CSV_MEDIA_TYPE)
    return _ready(request, board, "json", lambda: json_body(board), "application/json")


def json_body(board: service.Leaderboard) -> bytes:
    return _rendered(
        board,
        "json",
        lambda: json.dumps(leaderboard_payload(board), separators=(",", ":")).encode(),
    )


def csv_body(board: service.Leaderboard) -> bytes:
    return _rendered(board, "csv", lambda: exports.leaderboard_csv(board).encode())


def _rendered(board: service.Leaderboard, kind: Any, render: Callable[[], bytes]) -> bytes:
    body = board.rendered.get(kind)
    if body is None:
        body = board.rendered[kind] = render()
    return body


def _ready(
    request: Request,
    board: service.Leaderboard,
    kind: str,
    render: Callable[[], bytes],
    media_type: str,
) -> Response:
    """The board's ready bytes, or 304 when the client holds them. ``private``: a signed-in
    viewer's board may hold their private models, so no shared cache may keep it."""
    etag = f'"{board.tag}-{kind}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if kind == "csv":
        headers["Content-Disposition"] = 'attachment; filename="leaderboard.csv"'
    if etag in _etags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    return Response(render(), media_type=media_type, headers=headers)


def _etags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",")[:32]}


def _download(text: str, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(text, media_type=media_type, headers=headers)
