"""Which workers are alive, which queues they consume and which upload sandbox they run: each
worker writes its row on a heartbeat (``worker.heartbeat``); ``/healthz`` reads the fresh rows.

The rows live in the database rather than in the broker: that works with every broker (the
SQLite one of ``make run`` too), the health probe already talks to the database (one more small
query, no other connection), and a broker outage neither slows the probe down nor hides the
workers. A row not refreshed for ``worker_stale_seconds`` is a worker that died without saying so
(SIGKILL, a lost host); a worker that stops cleanly deletes its own row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from foundation.models import WorkerHeartbeat

SANDBOX_UNAVAILABLE = "unavailable"
# Rows of workers that died unannounced are deleted by the other workers' heartbeats after a day
# (kept that long so that an operator can still look up when a lost worker was last seen).
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class WorkerBeat:
    """What a worker says about itself: ``sandbox`` is ``bwrap``, ``plain`` or ``unavailable``
    (the sandbox it demands cannot start, so it refuses to validate uploads)."""

    name: str
    queues: tuple[str, ...]
    sandbox: str
    started_at: datetime

    def takes(self, queue: str) -> bool:
        return queue in self.queues


def record_beat(session: Session, beat: WorkerBeat, now: datetime) -> None:
    """Create or refresh ``beat.name``'s row, and forget workers silent for ``FORGET_AFTER``."""
    row = session.get(WorkerHeartbeat, beat.name)
    if row is None:
        row = WorkerHeartbeat(name=beat.name)
        session.add(row)
    row.queues = ",".join(beat.queues)
    row.sandbox = beat.sandbox
    row.started_at = beat.started_at
    row.seen_at = now
    session.execute(sa.delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < now - FORGET_AFTER))


def forget_worker(session: Session, name: str) -> None:
    session.execute(sa.delete(WorkerHeartbeat).where(WorkerHeartbeat.name == name))


def live_workers(session: Session, seen_after: datetime) -> list[WorkerBeat]:
    rows = session.scalars(
        sa.select(WorkerHeartbeat)
        .where(WorkerHeartbeat.seen_at >= seen_after)
        .order_by(WorkerHeartbeat.name)
    )
    return [
        WorkerBeat(
            row.name, tuple(filter(None, row.queues.split(","))), row.sandbox, row.started_at
        )
        for row in rows
    ]
