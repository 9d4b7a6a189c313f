"""The web shell on real PostgreSQL and Redis: health, OpenAPI, pages, JSON errors."""

from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from foundation import migrations
from foundation.config import Settings
from foundation.models import Benchmark, Model, Score, ScoreStatus, WorkerHeartbeat, utcnow
from foundation.worker_heartbeats import WorkerBeat, record_beat


def test_healthz_reports_database_and_queue(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        session.execute(sa.delete(WorkerHeartbeat))
        record_beat(session, WorkerBeat("w@host", ("user",), "bwrap", utcnow()), utcnow())
    response = client.get("/healthz")
    with session_factory.begin() as session:
        session.execute(sa.delete(WorkerHeartbeat))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "database": "ok", "queue": "ok", "storage": "ok",
        "workers": "ok", "live_workers": 1, "sandbox": {"bwrap": 1},
    }  # fmt: skip


def test_healthz_reports_an_unreachable_queue(service_settings: Settings) -> None:
    settings = service_settings.model_copy(update={"broker_url": "redis://127.0.0.1:1/0"})
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["queue"]) == ("degraded", "ok", "unavailable")
    assert "job queue (broker) is unreachable" in body["detail"]


def test_healthz_is_503_without_database(service_settings: Settings) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"
    settings = service_settings.model_copy(update={"database_url": url})
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["workers"]) == (
        "unavailable", "unavailable", "unknown",
    )  # fmt: skip
    assert body["live_workers"] is None


def test_openapi_lists_the_job_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/api/v1/jobs/{job_id}" in schema["paths"]
    assert client.get("/docs").status_code == 200


def test_leaderboard_page_says_no_scores_when_empty(
    service_settings: Settings, tmp_path: Path
) -> None:
    empty_database = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    migrations.upgrade(empty_database)
    settings = service_settings.model_copy(update={"database_url": empty_database})
    with TestClient(create_app(settings)) as client:
        response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "No scores yet." in response.text


def test_leaderboard_page_shows_finished_public_scores(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        model = Model(name="leaderboard-test-net", format="builtin")
        # A leaf of the benchmark tree: the leaderboard shows the tree (docs/leaderboard.md).
        benchmark = Benchmark(identifier="MajajHong2015.IT-pls", version=99)
        session.add(
            Score(
                model=model,
                benchmark=benchmark,
                ceiled=0.4321,
                raw=0.5,
                status=ScoreStatus.succeeded,
            )
        )
    page = client.get("/?preset=leaderboard").text
    assert "leaderboard-test-net" in page
    assert "MajajHong2015.IT-pls" in page
    assert "0.432" in page


def test_static_job_script_is_served_locally(client: TestClient) -> None:
    response = client.get("/static/job.js")
    assert response.status_code == 200
    assert "fetch(url" in response.text
