"""The board's renderings: API JSON, CSV and the page's board fragment, each made once per
built board (``Leaderboard.rendered``), and the whole page of an anonymous viewer."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp

from app.core.templates import templates
from app.exports import service as exports
from app.leaderboard import service
from app.leaderboard.params import query_params
from app.leaderboard.schemas import leaderboard_payload
from app.leaderboard.view import ancestors, cell_view, column_scales, origin_label
from scoring.benchmarks.presets import PRESETS


def json_body(board: service.Leaderboard) -> bytes:
    return _rendered(
        board,
        "json",
        lambda: json.dumps(leaderboard_payload(board), separators=(",", ":")).encode(),
    )


def csv_body(board: service.Leaderboard) -> bytes:
    return _rendered(board, "csv", lambda: exports.leaderboard_csv(board).encode())


def folded_columns(board: service.Leaderboard, collapsed: str) -> tuple[str, ...]:
    """The collapsed columns the board has (bounded: known parents only)."""
    parents = {column.identifier for column in board.columns if not column.is_leaf}
    return tuple(sorted(set(collapsed.split(",")) & parents))


def board_fragment(board: service.Leaderboard, folded: tuple[str, ...]) -> bytes:
    return _rendered(board, ("board", folded), lambda: _render_board(board, folded).encode())


def anonymous_page(app: ASGIApp, root_path: str, fragment: bytes) -> bytes:
    """The page as a signed-out visitor sees it, with root-relative links, so its bytes do not
    depend on the Host a request named and one rendering serves every anonymous visitor."""
    context = {"request": _SignedOut(app, root_path), "board_html": fragment.decode()}
    return templates.get_template("leaderboard.html").render(context).encode()


class _SignedOut:
    """The two things the page's templates ask of a request: ``url_for`` and the session."""

    def __init__(self, app: Any, root_path: str) -> None:
        self._app = app
        self._root_path = root_path
        self.scope: dict[str, Any] = {"session": {}}

    def url_for(self, name: str, /, **path_params: Any) -> str:
        return self._root_path + str(self._app.url_path_for(name, **path_params))


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


def _rendered(board: service.Leaderboard, kind: Any, render: Callable[[], bytes]) -> bytes:
    body = board.rendered.get(kind)
    if body is None:
        body = board.rendered[kind] = render()
    return body
