"""JobRun and the sweep on PostgreSQL: claims, ownership, finishing once, cancel, stale jobs."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from foundation.db import QueuedJob
from foundation.jobs.lifecycle import JobCancelledError, JobRun, LostOwnershipError
from foundation.jobs.service import sweep_jobs
from foundation.models import Job, JobStatus, utcnow


def new_job(factory: sessionmaker[Session], **values: object) -> int:
    with factory.begin() as session:
        job = Job(kind="selfcheck", payload={}, **values)
        session.add(job)
        session.flush()
        return job.id


def read(factory: sessionmaker[Session], job_id: int) -> Job:
    with factory() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def test_a_running_job_cannot_be_claimed_twice(
    session_factory: sessionmaker[Session], service_settings: Settings
) -> None:
    job_id = new_job(session_factory)
    run = JobRun.claim(session_factory, service_settings, job_id, "a")
    assert run is not None and run.attempt == 1
    assert JobRun.claim(session_factory, service_settings, job_id, "b") is None
    assert run.succeed({"ok": True})
    assert JobRun.claim(session_factory, service_settings, job_id, "b") is None
    assert read(session_factory, job_id).status == JobStatus.succeeded


def test_a_stale_attempt_is_taken_over_and_cannot_finish(
    session_factory: sessionmaker[Session], service_settings: Settings
) -> None:
    job_id = new_job(session_factory)
    old = JobRun.claim(session_factory, service_settings, job_id, "old")
    assert old is not None
    with session_factory.begin() as session:  # the old worker went silent long ago
        session.get_one(Job, job_id).heartbeat_at = utcnow() - timedelta(hours=1)
    new = JobRun.claim(session_factory, service_settings, job_id, "new")
    assert new is not None and new.attempt == 2
    with pytest.raises(LostOwnershipError):
        old.progress(0.5, "still here")
    assert not old.succeed({})
    assert new.succeed({})
    job = read(session_factory, job_id)
    assert (job.status, job.attempts, job.worker) == (JobStatus.succeeded, 2, "new")


def test_cancel_request_stops_the_run(
    session_factory: sessionmaker[Session], service_settings: Settings
) -> None:
    job_id = new_job(session_factory)
    run = JobRun.claim(session_factory, service_settings, job_id, "a")
    assert run is not None
    with session_factory.begin() as session:
        session.get_one(Job, job_id).cancel_requested = True
    with pytest.raises(JobCancelledError):
        run.progress(0.1, "working")
    assert run.cancel()
    assert read(session_factory, job_id).status == JobStatus.cancelled


def test_sweep_requeues_silent_jobs_and_gives_up_after_max_attempts(
    session_factory: sessionmaker[Session], service_settings: Settings
) -> None:
    long_ago = utcnow() - timedelta(hours=2)
    silent = new_job(session_factory, status=JobStatus.running, attempts=1, heartbeat_at=long_ago)
    attempts = service_settings.job_max_attempts
    hopeless = new_job(
        session_factory, status=JobStatus.running, attempts=attempts, heartbeat_at=long_ago
    )
    sent: list[QueuedJob] = []
    report = sweep_jobs(session_factory, sent.extend, service_settings)
    assert silent in report.requeued_stale and silent in report.resent
    assert hopeless in report.abandoned
    assert QueuedJob(silent, "default") in sent
    assert read(session_factory, silent).status == JobStatus.queued
    gave_up = read(session_factory, hopeless)
    assert gave_up.status == JobStatus.failed
    assert "stopped 3 times" in (gave_up.error or "")


def test_sweep_sends_an_unsent_job_once(
    session_factory: sessionmaker[Session], service_settings: Settings
) -> None:
    job_id = new_job(session_factory, created_at=utcnow() - timedelta(minutes=5))
    sent: list[QueuedJob] = []
    sweep_jobs(session_factory, sent.extend, service_settings)
    sweep_jobs(session_factory, sent.extend, service_settings)
    assert sent.count(QueuedJob(job_id, "default")) == 1


def test_sweep_cancels_a_silent_job_that_was_being_cancelled(
    session_factory: sessionmaker[Session], service_settings: Settings
) -> None:
    long_ago = utcnow() - timedelta(hours=2)
    job_id = new_job(
        session_factory,
        status=JobStatus.running,
        attempts=1,
        heartbeat_at=long_ago,
        cancel_requested=True,
    )
    report = sweep_jobs(session_factory, [].extend, service_settings)
    assert job_id in report.cancelled and job_id not in report.requeued_stale
    job = read(session_factory, job_id)  # re-queued, it would wait for a claim that never comes
    assert (job.status, job.message) == (JobStatus.cancelled, "cancelled")
    assert job.finished_at is not None
