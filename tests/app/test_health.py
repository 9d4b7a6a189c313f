"""``/healthz`` and the workers: real worker processes publishing their heartbeats into the real
PostgreSQL database, and a Redis that accepts connections but never answers."""

from __future__ import annotations

import socket
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.health.service import REDIS_PROBE_TIMEOUT_S
from app.main import create_app
from foundation.config import Settings
from foundation.models import WorkerHeartbeat, utcnow
from foundation.worker_heartbeats import WorkerBeat, record_beat
from tests.app.services import WorkerProcess
from tests.live import wait_for
from worker.heartbeat import sandbox_label
from worker.sandbox import sandbox_status

# A worker is seen within a fraction of a second and forgotten two seconds after it goes silent.
QUICK_HEARTBEATS = {"worker_heartbeat_seconds": 0.5, "worker_stale_seconds": 2.0}


@pytest.fixture
def no_heartbeats(session_factory: sessionmaker[Session]) -> Iterator[None]:
    """Earlier tests' workers may have left rows (one killed lately still counts): start empty."""
    with session_factory.begin() as session:
        session.execute(sa.delete(WorkerHeartbeat))
    yield
    with session_factory.begin() as session:
        session.execute(sa.delete(WorkerHeartbeat))


@pytest.fixture
def quick_settings(service_settings: Settings) -> Settings:
    return service_settings.model_copy(update=QUICK_HEARTBEATS)


def health(client: TestClient) -> tuple[int, dict[str, Any]]:
    response = client.get("/healthz")
    return response.status_code, response.json()


def heartbeat_names(factory: sessionmaker[Session]) -> list[str]:
    with factory() as session:
        return list(session.scalars(sa.select(WorkerHeartbeat.name).order_by(WorkerHeartbeat.name)))


def test_no_worker_answering_is_degraded_not_unavailable(
    client: TestClient, no_heartbeats: None
) -> None:
    status, body = health(client)
    assert status == 200  # the web serves; only the body says what is missing
    assert (body["status"], body["database"], body["queue"], body["storage"]) == (
        "degraded", "ok", "ok", "ok",
    )  # fmt: skip
    assert (body["workers"], body["live_workers"], body["sandbox"]) == (
        "no worker answering",
        0,
        {},
    )
    assert "no worker is answering: new jobs (upload validations" in body["detail"]


def test_workers_sandbox_modes_come_and_go_with_the_worker_processes(
    quick_settings: Settings,
    session_factory: sessionmaker[Session],
    no_heartbeats: None,
    tmp_path: Path,
) -> None:
    # "able": the sandbox this host gives (bwrap here; plain where bwrap cannot run).
    # "broken": demands bubblewrap and finds none on its PATH, so it refuses to validate.
    able_mode = sandbox_label(sandbox_status(quick_settings))
    broken_settings = quick_settings.model_copy(update={"sandbox_mode": "bwrap"})
    able = WorkerProcess(quick_settings, tmp_path / "able.log", name="able", queues="user,default")
    broken = WorkerProcess(
        broken_settings, tmp_path / "broken.log", name="broken", queues="user",
        extra_env={"PATH": str(tmp_path)},
    )  # fmt: skip
    with TestClient(create_app(quick_settings)) as client:
        try:
            able.wait_ready(60)
            broken.wait_ready(60)
            status, body = wait_for(
                lambda: (seen := health(client))[1]["live_workers"] == 2 and seen,
                30,
                "both workers' heartbeats",
            )
            assert (status, body["status"], body["workers"]) == (
                200, "degraded", "sandbox unavailable",
            )  # fmt: skip
            assert body["sandbox"] == dict(Counter([able_mode, "unavailable"]))
            assert (
                "cannot start the sandbox it demands, so it refuses to validate" in body["detail"]
            )

            # Killed: it cannot delete its row; the row goes stale and stops counting.
            broken.kill()
            status, body = wait_for(
                lambda: (seen := health(client))[1]["status"] == "ok" and seen,
                30,
                "the killed worker to age",
            )
            assert body == {
                "status": "ok", "database": "ok", "queue": "ok", "storage": "ok",
                "workers": "ok", "live_workers": 1, "sandbox": {able_mode: 1},
            }  # fmt: skip
            assert [name.split("-")[0] for name in heartbeat_names(session_factory)] == [
                "able", "broken",
            ]  # fmt: skip

            # Stopped cleanly: it deletes its own row on the way out.
            able.stop()
            assert [name.split("-")[0] for name in heartbeat_names(session_factory)] == ["broken"]
            assert health(client)[1]["workers"] == "no worker answering"
        finally:
            able.stop()
            broken.stop()


def test_live_workers_that_do_not_take_uploads_are_reported(
    client: TestClient, session_factory: sessionmaker[Session], no_heartbeats: None
) -> None:
    with session_factory.begin() as session:
        record_beat(session, WorkerBeat("gpu0@host", ("gpu",), "bwrap", utcnow()), utcnow())
    status, body = health(client)
    assert (status, body["status"], body["workers"]) == (200, "degraded", "no worker takes uploads")
    assert (body["live_workers"], body["sandbox"]) == (1, {})
    assert "no live worker takes the 'user' queue" in body["detail"]


def test_a_hung_redis_costs_the_probe_one_timeout_and_hides_no_worker(
    service_settings: Settings, session_factory: sessionmaker[Session], no_heartbeats: None
) -> None:
    with socket.socket() as hung:
        # Listening but never reading: the kernel completes the connection, nothing ever answers.
        hung.bind(("127.0.0.1", 0))
        hung.listen(64)
        url = f"redis://127.0.0.1:{hung.getsockname()[1]}/0"
        settings = service_settings.model_copy(update={"broker_url": url})
        with session_factory.begin() as session:
            record_beat(session, WorkerBeat("w@host", ("user",), "plain", utcnow()), utcnow())
        with TestClient(create_app(settings)) as client:
            started = time.monotonic()
            status, body = health(client)
            elapsed = time.monotonic() - started
    assert (status, body["status"], body["queue"]) == (503, "degraded", "unavailable")
    assert (body["workers"], body["live_workers"], body["sandbox"]) == ("ok", 1, {"plain": 1})
    # Connect and PING get one timeout each, no retries (kombu's probe waited 10 s here); the
    # extra second is for the database and storage probes on a loaded machine.
    assert elapsed < 2 * REDIS_PROBE_TIMEOUT_S + 1, elapsed
