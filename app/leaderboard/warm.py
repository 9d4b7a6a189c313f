"""Keeps this web process's leaderboard ready: the anonymous default views (API JSON and page of
the default board and of each preset) are made ready when the process starts, and after each
change of the board version (polled every ``leaderboard_warm_seconds``: a burst of writes
between two polls costs one rebuild) the default board's and the views asked for lately
(``public.hot_views``) are rebuilt, so requests find ready bytes. With Redis the first process
to get a view's lock builds it and the others take its bytes. Signed-in viewers' boards are
built on their first request. Also prunes the score change log
(``foundation.board_version``) now and then."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from fastapi import FastAPI

from app.leaderboard import public
from foundation import board_version
from foundation.models import utcnow

log = logging.getLogger(__name__)
PRUNE_EVERY_S = 600.0
KEEP_CHANGES = timedelta(days=1)


def warm(app: FastAPI, views: list[public.PublicView]) -> board_version.BoardVersion:
    with app.state.session_factory() as session:
        version = board_version.read(session)
    for view in dict.fromkeys(views):
        try:
            public.ready_at(app, version, view)
        except ValueError:  # an unknown preset or column: nothing to warm
            continue
    return version


def after_change(app: FastAPI) -> list[public.PublicView]:
    return [*public.default_views()[:2], *public.hot_views(app)]


class BoardWarmer:
    def __init__(self, app: FastAPI, interval: float) -> None:
        self._app = app
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="board-warmer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        last: board_version.BoardVersion | None = None
        pruned = 0.0
        while not self._stop.is_set():
            try:
                with self._app.state.session_factory() as session:
                    version = board_version.read(session)
                    if time.monotonic() - pruned > PRUNE_EVERY_S:
                        board_version.prune(session, utcnow() - KEEP_CHANGES)
                        session.commit()
                        pruned = time.monotonic()
                if version != last:
                    views = public.default_views() if last is None else after_change(self._app)
                    last = warm(self._app, views)
            except Exception:  # the next round tries again; requests build on their own
                log.exception("warming the leaderboard failed")
            self._stop.wait(self._interval)
