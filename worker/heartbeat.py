"""This worker's heartbeat: its name, the queues it consumes and its upload-sandbox mode, written
to the database every ``worker_heartbeat_seconds`` by a daemon thread of the Celery parent
process, and deleted when the worker stops cleanly. ``/healthz`` reads it
(``foundation.worker_heartbeats``)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

import sqlalchemy as sa

from foundation.config import Settings
from foundation.db import create_session_factory
from foundation.models import utcnow
from foundation.worker_heartbeats import SANDBOX_UNAVAILABLE, WorkerBeat, forget_worker, record_beat
from worker.sandbox import SandboxStatus

log = logging.getLogger(__name__)


def sandbox_label(status: SandboxStatus) -> str:
    return status.mode if status.ok and status.mode is not None else SANDBOX_UNAVAILABLE


class Heartbeat:
    def __init__(
        self, settings: Settings, name: str, queues: Iterable[str], sandbox: SandboxStatus
    ) -> None:
        self.beat = WorkerBeat(name, tuple(sorted(queues)), sandbox_label(sandbox), utcnow())
        self.interval = settings.worker_heartbeat_seconds
        # Its own engine, as the sweeper's: nothing shared with the threads that run tasks.
        self._factory = create_session_factory(settings)
        self._stopped = threading.Event()
        self._writing = threading.Lock()

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._beat_forever, name="ventral-heartbeat", daemon=True)
        thread.start()
        return thread

    def beat_once(self) -> None:
        with self._writing:
            if self._stopped.is_set():  # never bring the row back after stop() deleted it
                return
            with self._factory.begin() as session:
                record_beat(session, self.beat, utcnow())

    def stop(self) -> None:
        """Delete this worker's row, so /healthz stops counting it at once."""
        self._stopped.set()
        # A beat stuck on an unreachable database must not hold the shutdown up: the row then
        # simply goes stale.
        if not self._writing.acquire(timeout=self.interval):
            return
        try:
            with self._factory.begin() as session:
                forget_worker(session, self.beat.name)
        except sa.exc.SQLAlchemyError:
            log.warning("could not delete the heartbeat of %s", self.beat.name, exc_info=True)
        finally:
            self._writing.release()

    def _beat_forever(self) -> None:
        while not self._stopped.is_set():
            try:
                self.beat_once()
            except Exception:  # a database hiccup must not end the heartbeat; try next round
                log.warning("worker heartbeat failed", exc_info=True)
            self._stopped.wait(self.interval)
