"""Score jobs that end without their handler still close their score row and their run: the
sweep giving up on one, the sweep cancelling one whose worker died, a cancel while queued, an
administrator deleting the model. On PostgreSQL, each step committed as in production."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from foundation.db import QueuedJob, unit_of_work
from foundation.jobs.payloads import ScorePayload
from foundation.jobs.service import sweep_jobs
from foundation.models import Job, JobStatus, Model, Score, ScoreStatus, utcnow
from foundation.runs import repository, service
from foundation.startup import install_job_hooks
from tests.app.services import without_imported_data
from tests.app.submissions.conftest import NewToken, bearer, new_token, unique_name

__all__ = ["new_token"]

INSTALLED = "CIFAR10-top1"
I2N = "CIFAR10H-i2n"
SCORED = {"raw": 0.8, "ceiled": 0.8, "ceiling": None, "error": 0.01, "details": {}}


@pytest.fixture(autouse=True)
def job_hooks() -> None:
    install_job_hooks()  # what the web, the worker and the CLI do when they start


def payload_of(job: Job) -> ScorePayload:
    return ScorePayload.model_validate(job.payload)


def scoring_run(
    factory: sessionmaker[Session], benchmarks: list[str], owner_id: int | None = None
) -> tuple[str, list[int]]:
    """A model and its committed run of queued score jobs (never sent: no worker runs them)."""
    with unit_of_work(factory, lambda jobs: None) as session:
        model = repository.add(
            session,
            Model(
                name=unique_name("ended"),
                architecture="resnet20_cifar10",
                format="builtin",
                owner_id=owner_id,
            ),
        )
        run = service.create_score_jobs(
            session, model, benchmarks, "test", storage=without_imported_data()
        )
        return model.name, [job.id for job in run.jobs]


def worker_died(
    factory: sessionmaker[Session], job_id: int, attempts: int, cancel_requested: bool = False
) -> None:
    """The job ran (its row says so) on a worker that stopped long ago."""
    long_ago = utcnow() - timedelta(hours=1)
    with factory.begin() as session:
        job = session.get_one(Job, job_id)
        job.status, job.attempts = JobStatus.running, attempts
        job.cancel_requested = cancel_requested
        job.started_at = job.heartbeat_at = long_ago
        assert service.mark_score_running(session, payload_of(job), job_id)


def record_success(factory: sessionmaker[Session], job_id: int) -> None:
    with factory.begin() as session:
        payload = session.get_one(Job, job_id).payload
        assert service.record_score(session, ScorePayload.model_validate(payload), job_id, SCORED)


def score_of(factory: sessionmaker[Session], job_id: int) -> Score:
    with factory() as session:
        return session.scalars(sa.select(Score).where(Score.job_id == job_id)).one()


def run_summary(factory: sessionmaker[Session], name: str) -> dict[str, Any]:
    with factory() as session:
        model = session.scalars(sa.select(Model).where(Model.name == name)).one()
        return dict(model.model_metadata["scoring_run"])


def job_status(factory: sessionmaker[Session], job_id: int) -> JobStatus:
    with factory() as session:
        return session.get_one(Job, job_id).status


def sweep(factory: sessionmaker[Session], settings: Settings) -> Any:
    sent: list[QueuedJob] = []
    return sweep_jobs(factory, sent.extend, settings)


def test_a_score_job_the_sweep_gives_up_on_fails_its_row_and_completes_the_run(
    session_factory: sessionmaker[Session], service_settings: Settings
) -> None:
    name, [done, dead] = scoring_run(session_factory, [INSTALLED, I2N])
    record_success(session_factory, done)
    worker_died(session_factory, dead, attempts=service_settings.job_max_attempts)
    assert run_summary(session_factory, name)["status"] == "running"

    assert dead in sweep(session_factory, service_settings).abandoned

    row = score_of(session_factory, dead)
    reason = row.details["reason"]
    assert row.status is ScoreStatus.failed and row.finished_at is not None
    assert reason.startswith("scoring failed: the worker running this job stopped 3 times")
    summary = run_summary(session_factory, name)
    assert summary["status"] == "complete" and summary["succeeded"] == [INSTALLED]
    assert summary["failed"] == {I2N: reason}


def test_the_sweep_keeps_a_score_its_handler_wrote_before_the_worker_died(
    session_factory: sessionmaker[Session], service_settings: Settings
) -> None:
    name, [job_id] = scoring_run(session_factory, [INSTALLED])
    worker_died(session_factory, job_id, attempts=service_settings.job_max_attempts)
    record_success(session_factory, job_id)  # the row was written; the job never finished

    sweep(session_factory, service_settings)

    assert job_status(session_factory, job_id) is JobStatus.failed
    row = score_of(session_factory, job_id)
    assert (row.status, row.raw) == (ScoreStatus.succeeded, 0.8)
    summary = run_summary(session_factory, name)
    assert summary["status"] == "complete" and summary["succeeded"] == [INSTALLED]


def test_a_score_job_whose_worker_died_while_cancelling_ends_cancelled(
    session_factory: sessionmaker[Session], service_settings: Settings
) -> None:
    name, [job_id] = scoring_run(session_factory, [INSTALLED])
    worker_died(session_factory, job_id, attempts=1, cancel_requested=True)

    report = sweep(session_factory, service_settings)

    assert job_id in report.cancelled and job_id not in report.requeued_stale
    assert job_status(session_factory, job_id) is JobStatus.cancelled
    reason = "cancelled before the score was finished"
    assert score_of(session_factory, job_id).details == {"reason": reason}
    assert run_summary(session_factory, name)["failed"] == {INSTALLED: reason}


def test_owner_cancelling_a_queued_score_job_completes_the_run(
    client: TestClient, new_token: NewToken, session_factory: sessionmaker[Session]
) -> None:
    token = new_token()
    owner_id = client.get("/api/v1/auth/me", headers=bearer(token)).json()["id"]
    name, [first, second] = scoring_run(session_factory, [INSTALLED, I2N], owner_id)

    for job_id in (first, second):
        cancelled = client.post(f"/api/v1/jobs/{job_id}/cancel", headers=bearer(token))
        assert cancelled.json()["status"] == "cancelled"
        assert score_of(session_factory, job_id).status is ScoreStatus.failed

    summary = run_summary(session_factory, name)
    assert summary["status"] == "complete" and summary["succeeded"] == []
    reason = "cancelled before the score was finished"
    assert summary["failed"] == {INSTALLED: reason, I2N: reason}


def test_admin_deleting_a_model_cancels_its_score_jobs_and_ends_their_run_quietly(
    client: TestClient, new_token: NewToken, session_factory: sessionmaker[Session]
) -> None:
    name, [queued, running] = scoring_run(session_factory, [INSTALLED, I2N])
    worker_died(session_factory, running, attempts=1)
    with session_factory() as session:
        payload = session.get_one(Job, running).payload

    deleted = client.delete(f"/api/v1/admin/models/{name}", headers=bearer(new_token(admin=True)))

    assert deleted.status_code == 200, deleted.text
    assert job_status(session_factory, queued) is JobStatus.cancelled
    with session_factory.begin() as session:  # what the running job's handler does next
        assert session.scalar(sa.select(Model).where(Model.name == name)) is None
        assert not service.finish_run_if_complete(session, ScorePayload.model_validate(payload))
