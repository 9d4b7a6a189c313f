"""Keeps this web process's leaderboard ready: the snapshot is built when the process starts and
again as soon as the board version changes (polled every ``leaderboard_warm_seconds``), and the
anonymous default view of each preset is rendered (API JSON, the page's board fragment), so
requests find ready bytes instead of rebuilding. Visibility stays per request: other viewers'
boards are built on their first request from the same snapshot. Also prunes the score change
log (``foundation.board_version``) now and then."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from app.leaderboard import routes, service
from foundation import board_version
from foundation.models import utcnow
from scoring.benchmarks.presets import PRESETS

log = logging.getLogger(__name__)
PRUNE_EVERY_S = 600.0
KEEP_CHANGES = timedelta(days=1)


def warm(session: Session) -> None:
    snapshot = service.current_snapshot(session)
    for preset in dict.fromkeys([snapshot.default_preset, *PRESETS]):
        board = service.board_of(snapshot, None, service.LeaderboardQuery(preset=preset))
        routes.board_fragment(board, ())
        routes.json_body(board)


class BoardWarmer:
    def __init__(self, factory: sessionmaker[Session], interval: float) -> None:
        self._factory = factory
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
                with self._factory() as session:
                    version = board_version.read(session)
                    if version != last:
                        warm(session)
                        last = version
                    if time.monotonic() - pruned > PRUNE_EVERY_S:
                        board_version.prune(session, utcnow() - KEEP_CHANGES)
                        session.commit()
                        pruned = time.monotonic()
            except Exception:  # the next round tries again; requests build on their own
                log.exception("warming the leaderboard failed")
            self._stop.wait(self._interval)
