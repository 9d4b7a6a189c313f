"""The worker's heartbeat thread object on a real SQLite database: a beat writes the row, stop()
deletes it, and no beat after stop() can bring it back."""

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from foundation import migrations
from foundation.config import Settings
from foundation.db import create_session_factory
from foundation.models import WorkerHeartbeat
from tests.app.services import make_settings
from tests.live import wait_for
from worker.heartbeat import Heartbeat, sandbox_label
from worker.sandbox import SandboxStatus

BWRAP = SandboxStatus(True, "bwrap", "sandbox mode bwrap")


def sqlite_settings(tmp_path: Path) -> Settings:
    url = f"sqlite:///{tmp_path / 'worker.sqlite'}"
    migrations.upgrade(url)
    return make_settings(tmp_path, url, "sqla+sqlite:///unused", worker_heartbeat_seconds=0.05)


def rows(factory: sessionmaker[Session]) -> list[tuple[str, str, str]]:
    with factory() as session:
        query = sa.select(WorkerHeartbeat.name, WorkerHeartbeat.queues, WorkerHeartbeat.sandbox)
        return [tuple(row) for row in session.execute(query)]


def test_the_sandbox_label_says_unavailable_when_the_sandbox_cannot_start() -> None:
    assert sandbox_label(BWRAP) == "bwrap"
    assert sandbox_label(SandboxStatus(True, "plain", "")) == "plain"
    assert sandbox_label(SandboxStatus(False, None, "cannot start")) == "unavailable"


def test_a_stopped_heartbeat_deletes_its_row_and_never_writes_again(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    factory = create_session_factory(settings)
    heartbeat = Heartbeat(settings, "w@host", ["user", "default"], BWRAP)
    thread = heartbeat.start()
    wait_for(lambda: rows(factory), 10, "the first beat")
    assert rows(factory) == [("w@host", "default,user", "bwrap")]

    heartbeat.stop()
    thread.join(10)
    assert not thread.is_alive()
    heartbeat.beat_once()  # a beat that was due as the worker stopped
    assert rows(factory) == []
