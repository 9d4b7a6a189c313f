"""Keeps this web process's leaderboard ready: the anonymous default views (API JSON and page of
the default board and of each preset) are made ready when the process starts, and after each
change of the board version (polled every ``leaderboard_warm_seconds``: a burst of writes
between two polls costs one rebuild) the default board's and the views asked for lately
(``public.hot_views``) are rebuilt, so requests find ready bytes. With Redis the first process
to get a view's lock builds it and the others take its bytes. Signed-in viewers' boards are
built on their first request. Also prunes the score change log
(``foundation.board_version``) now and then.

After its first warm-up the process's heap is frozen (``gc.freeze``): by then every module is
imported (the model registry, torch with it, by the first build) and the board is built, some
half a million objects that live as long as the process. Full collections then skip them; left
in, each full collection walked them all (~250 ms at 1,000 models on this machine), stopping
every request in flight — the p99 of the anonymous board under load."""

from __future__ import annotations

import gc
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
_FROZEN = threading.Event()


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


def freeze_long_lived_heap() -> None:
    """Once per process: collect, then move every live object out of the collector's sight."""
    if not _FROZEN.is_set():
        _FROZEN.set()
        gc.collect()
        gc.freeze()


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
                    freeze_long_lived_heap()
            except Exception:  # the next round tries again; requests build on their own
                log.exception("warming the leaderboard failed")
            self._stop.wait(self._interval)
