"""Engine, sessions and the unit of work: handlers never commit, and jobs are sent after commit.

The web's per-request session (a FastAPI dependency) is ``app.core.db.SessionDep``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings

PENDING_JOBS = "pending_jobs"


class QueuedJob(NamedTuple):
    """What it takes to send a job's task: its id and its queue."""

    id: int
    queue: str


JobSender = Callable[[list[QueuedJob]], None]


def create_db_engine(database_url: str, pool_size: int | None = None) -> Engine:
    if not database_url.startswith("sqlite"):
        sizes = {} if pool_size is None else {"pool_size": pool_size, "max_overflow": 0}
        return sa.create_engine(database_url, pool_pre_ping=True, **sizes)
    engine = sa.create_engine(database_url, connect_args={"timeout": 30})
    sa.event.listen(engine, "connect", _tune_sqlite)
    return engine


def _tune_sqlite(dbapi_connection: Any, _record: object) -> None:
    # WAL lets the web process read while the worker writes progress; foreign keys are off by
    # default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_session_factory(settings: Settings) -> sessionmaker[Session]:
    return sessionmaker(create_db_engine(settings.database_url), expire_on_commit=False)


def enqueue_after_commit(session: Session, job: QueuedJob) -> None:
    """Remember a job whose task is sent once this session's transaction commits."""
    session.info.setdefault(PENDING_JOBS, []).append(job)


@contextmanager
def unit_of_work(factory: sessionmaker[Session], send_jobs: JobSender) -> Iterator[Session]:
    """Commit on success and then send the jobs enqueued meanwhile; on error drop them."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            session.info.pop(PENDING_JOBS, None)
            raise
        pending = session.info.pop(PENDING_JOBS, [])
        if pending:
            send_jobs(pending)
