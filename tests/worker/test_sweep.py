"""The workers' sweep: jobs created while the broker was down are sent later; a score job it
gives up on still closes its score row and its run."""

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from foundation.models import Job, JobStatus, ScoreStatus
from tests.app.runs.test_ended_jobs import (
    INSTALLED,
    run_summary,
    score_of,
    scoring_run,
    worker_died,
)
from tests.app.services import WorkerProcess, make_settings, submit_job, wait_for


def read_job(factory: sessionmaker[Session], job_id: int) -> Job:
    with factory() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def test_job_created_while_broker_down_is_sent_by_the_sweep(
    service_settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    broker_down = make_settings(tmp_path, service_settings.database_url, "redis://127.0.0.1:1/0")
    job_id = submit_job(broker_down, session_factory, "selfcheck", {"steps": 1, "step_seconds": 0})
    unsent = read_job(session_factory, job_id)
    assert (unsent.status, unsent.enqueued_at) == (JobStatus.queued, None)

    worker = WorkerProcess(service_settings, tmp_path / "worker.log")
    try:
        done = wait_for(
            lambda: read_job(session_factory, job_id).status.finished, 40, "the swept job"
        )
        assert done
        job = read_job(session_factory, job_id)
        assert (job.status, job.attempts) == (JobStatus.succeeded, 1)
        assert job.enqueued_at is not None
    finally:
        worker.stop()


def test_a_workers_sweep_closes_the_run_of_a_score_job_it_gives_up_on(
    service_settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    attempts = service_settings.job_max_attempts
    name, [job_id] = scoring_run(session_factory, [INSTALLED])
    worker_died(session_factory, job_id, attempts)

    worker = WorkerProcess(service_settings, tmp_path / "worker.log", queues="default")
    try:
        wait_for(lambda: read_job(session_factory, job_id).status.finished, 40, "the sweep")
    finally:
        worker.stop()

    assert read_job(session_factory, job_id).status == JobStatus.failed
    assert score_of(session_factory, job_id).status == ScoreStatus.failed
    summary = run_summary(session_factory, name)
    assert summary["status"] == "complete" and INSTALLED in summary["failed"]
