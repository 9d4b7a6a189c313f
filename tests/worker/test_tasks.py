"""run_job on a real Celery worker process, PostgreSQL and Redis, observed through the API."""

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from tests.app.services import WorkerProcess, submit_job, submit_unchecked_job, wait_for


@pytest.fixture(scope="module")
def worker(
    service_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorkerProcess]:
    process = WorkerProcess(service_settings, tmp_path_factory.mktemp("worker") / "worker.log")
    process.wait_ready()
    yield process
    process.stop()


def job_status(client: TestClient, job_id: int) -> dict:
    response = client.get(f"/api/v1/jobs/{job_id}")
    assert response.status_code == 200
    return response.json()


def test_job_goes_queued_running_succeeded_with_progress(
    worker: WorkerProcess,
    client: TestClient,
    service_settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    job_id = submit_job(
        service_settings, session_factory, "selfcheck", {"steps": 4, "step_seconds": 0.4}
    )
    seen = [job_status(client, job_id)]
    assert seen[0]["status"] in {"queued", "running"}
    deadline = time.monotonic() + 30
    while seen[-1]["status"] not in {"succeeded", "failed"} and time.monotonic() < deadline:
        time.sleep(0.05)
        seen.append(job_status(client, job_id))
    statuses = [snapshot["status"] for snapshot in seen]
    partial = {snapshot["progress"] for snapshot in seen if snapshot["status"] == "running"}
    assert statuses[-1] == "succeeded"
    assert "running" in statuses
    assert any(0 < progress < 1 for progress in partial)
    assert seen[-1]["progress"] == 1.0
    assert seen[-1]["attempts"] == 1
    assert "step 4/4 ok" in seen[-1]["log_tail"]
    assert seen[-1]["error"] is None


def test_failing_job_ends_failed_with_readable_error(
    worker: WorkerProcess,
    client: TestClient,
    service_settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    payload = {"steps": 3, "step_seconds": 0.1, "fail_at_step": 2}
    job_id = submit_job(service_settings, session_factory, "selfcheck", payload)
    final = wait_for(lambda: _finished(client, job_id), 30, "job to finish")
    assert final["status"] == "failed"
    assert final["error"] == "self-check failed at step 2 of 3, as requested"
    assert "step 1/3 ok" in final["log_tail"]


def test_bad_payload_fails_readably(
    worker: WorkerProcess,
    client: TestClient,
    service_settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    job_id = submit_unchecked_job(service_settings, session_factory, "selfcheck", {"steps": "many"})
    final = wait_for(lambda: _finished(client, job_id), 30, "job to finish")
    assert final["status"] == "failed"
    assert final["error"].startswith("the selfcheck job's payload is invalid: steps: ")


def test_crashing_handler_is_recorded_as_internal_error(
    worker: WorkerProcess,
    client: TestClient,
    service_settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    payload = {"steps": 2, "step_seconds": 0, "crash_at_step": 2}
    job_id = submit_job(service_settings, session_factory, "selfcheck", payload)
    final = wait_for(lambda: _finished(client, job_id), 30, "job to finish")
    assert final["status"] == "failed"
    assert final["error"] == (
        "internal error while running the job "
        "(RuntimeError: self-check crashed at step 2, as requested)"
    )
    assert "Traceback" in final["log_tail"]


def test_unknown_job_kind_fails_readably(
    worker: WorkerProcess,
    client: TestClient,
    service_settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    job_id = submit_unchecked_job(service_settings, session_factory, "transmogrify", {})
    final = wait_for(lambda: _finished(client, job_id), 30, "job to finish")
    assert final["status"] == "failed"
    assert final["error"] == "this server does not know how to run a 'transmogrify' job"


def _finished(client: TestClient, job_id: int) -> dict | None:
    status = job_status(client, job_id)
    return status if status["status"] in {"succeeded", "failed", "cancelled"} else None
