"""The anonymous leaderboard views, served as ready bytes (``app.leaderboard.ready``).

A signed-out visitor sees only published models, so one rendering per view serves them all:
it is built from the anonymous board (``service.board_of`` with no viewer) and nothing of the
request but the view's parameters goes in. Signed-in viewers get their own exact board instead
(``service.leaderboard``).

A request served from ready bytes never leaves the event loop: the board version comes from a
read shared with the concurrent requests (``app.leaderboard.versions``), the bytes from this
process's copy; only a miss goes to the thread pool (Redis, or a build)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

from anyio import to_thread
from fastapi import FastAPI

from app.leaderboard import render, service
from app.leaderboard.ready import Ready, ReadyViews
from app.leaderboard.versions import SharedVersionReads
from foundation.board_version import BoardVersion
from scoring.benchmarks.presets import PRESETS

Kind = Literal["json", "csv", "page"]
_HOT_LOCK = threading.Lock()
HOT_VIEWS = 16
HOT_FOR_S = 60.0
"""Views asked for this recently are rebuilt after a change without waiting for a request."""


@dataclass(frozen=True)
class PublicView:
    kind: Kind
    query: service.LeaderboardQuery
    collapsed: tuple[str, ...] = ()
    root_path: str = ""

    @property
    def key(self) -> str:
        return repr(self)


def page_view(query: service.LeaderboardQuery, collapsed: str, root_path: str) -> PublicView:
    names = tuple(sorted({name for name in collapsed.split(",") if name}))
    return PublicView("page", query, names, root_path)


def default_views(root_path: str = "") -> list[PublicView]:
    """The installation's default board and each preset's, as the API and the page ask."""
    queries = [service.LeaderboardQuery(preset=name) for name in ("", *PRESETS)]
    return [PublicView(kind, q, (), root_path) for q in queries for kind in ("json", "page")]


def install(app: FastAPI, cache_url: str) -> None:
    app.state.board_views = ReadyViews.from_url(cache_url)
    app.state.board_hot_views = OrderedDict()
    app.state.board_versions = SharedVersionReads(lambda: _committed_version(app))


async def ready(app: FastAPI, view: PublicView) -> Ready:
    """``view`` at a version covering the one committed when it was asked for; raises
    ``UnknownPresetError`` or ``UnknownColumnError`` for a view that cannot exist."""
    _note_hot(app, view)
    versions: SharedVersionReads = app.state.board_versions
    wanted = await versions.read()
    views: ReadyViews = app.state.board_views
    found = views.peek(view.key, wanted)
    return found if found is not None else await to_thread.run_sync(ready_at, app, wanted, view)


def ready_at(app: FastAPI, wanted: BoardVersion, view: PublicView) -> Ready:
    views: ReadyViews = app.state.board_views
    return views.get(view.key, wanted, lambda: _build(app, view))


def hot_views(app: FastAPI) -> list[PublicView]:
    hot: OrderedDict[PublicView, float] = app.state.board_hot_views
    since = time.monotonic() - HOT_FOR_S
    with _HOT_LOCK:
        return [view for view, seen in hot.items() if seen >= since]


def _note_hot(app: FastAPI, view: PublicView) -> None:
    hot: OrderedDict[PublicView, float] = app.state.board_hot_views
    with _HOT_LOCK:
        hot[view] = time.monotonic()
        hot.move_to_end(view)
        while len(hot) > HOT_VIEWS:
            hot.popitem(last=False)


def _committed_version(app: FastAPI) -> BoardVersion:
    with app.state.session_factory() as session:
        return service.current_version(session)


def _build(app: FastAPI, view: PublicView) -> tuple[BoardVersion, bytes]:
    with app.state.session_factory() as session:
        snapshot = service.current_snapshot(session)
    board = service.board_of(snapshot, None, view.query)
    return snapshot.version, _render(app, board, view)


def _render(app: Any, board: service.Leaderboard, view: PublicView) -> bytes:
    if view.kind == "json":
        return render.json_body(board)
    if view.kind == "csv":
        return render.csv_body(board)
    fragment = render.board_fragment(board, render.folded_columns(board, ",".join(view.collapsed)))
    return render.anonymous_page(app, view.root_path, fragment)
