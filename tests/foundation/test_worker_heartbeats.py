"""Worker heartbeat rows on SQLite (the ``make run`` database): refreshed in place, fresh ones
listed, the long-silent forgotten, a stopped worker's removed."""

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from foundation import migrations
from foundation.db import create_db_engine
from foundation.models import WorkerHeartbeat, utcnow
from foundation.worker_heartbeats import (
    FORGET_AFTER,
    WorkerBeat,
    forget_worker,
    live_workers,
    record_beat,
)


@pytest.fixture
def sqlite_factory(tmp_path: Path) -> sessionmaker[Session]:
    url = f"sqlite:///{tmp_path / 'heartbeats.sqlite'}"
    migrations.upgrade(url)
    return sessionmaker(create_db_engine(url), expire_on_commit=False)


def rows(factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    with factory() as session:
        query = sa.select(WorkerHeartbeat.name, WorkerHeartbeat.sandbox).order_by("name")
        return [(name, sandbox) for name, sandbox in session.execute(query)]


def test_a_beat_refreshes_its_row_and_only_fresh_workers_are_live(
    sqlite_factory: sessionmaker[Session],
) -> None:
    now = utcnow()
    started = now - timedelta(minutes=5)
    with sqlite_factory.begin() as session:
        record_beat(session, WorkerBeat("a@h", ("default", "user"), "plain", started), started)
        record_beat(session, WorkerBeat("b@h", ("gpu",), "bwrap", started), started)
    with sqlite_factory.begin() as session:
        record_beat(session, WorkerBeat("a@h", ("default", "user"), "bwrap", started), now)
    assert rows(sqlite_factory) == [("a@h", "bwrap"), ("b@h", "bwrap")]
    with sqlite_factory() as session:
        live = live_workers(session, now - timedelta(minutes=1))
    assert live == [WorkerBeat("a@h", ("default", "user"), "bwrap", started)]
    assert live[0].takes("user") and not live[0].takes("gpu")


def test_workers_silent_for_a_day_are_forgotten_and_a_stopped_one_at_once(
    sqlite_factory: sessionmaker[Session],
) -> None:
    now = utcnow()
    long_ago = now - FORGET_AFTER - timedelta(seconds=1)
    lately = now - FORGET_AFTER + timedelta(minutes=1)
    with sqlite_factory.begin() as session:
        record_beat(session, WorkerBeat("dead@h", ("user",), "bwrap", long_ago), long_ago)
        record_beat(session, WorkerBeat("lost@h", ("user",), "bwrap", lately), lately)
    with sqlite_factory.begin() as session:
        record_beat(session, WorkerBeat("new@h", ("user",), "plain", now), now)
    assert rows(sqlite_factory) == [("lost@h", "bwrap"), ("new@h", "plain")]
    with sqlite_factory.begin() as session:
        forget_worker(session, "new@h")
    assert rows(sqlite_factory) == [("lost@h", "bwrap")]
