"""Owners (and administrators) cancel and retry jobs; others do not even see them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.submissions.service import check_quotas
from foundation.config import Settings
from foundation.db import QueuedJob, enqueue_after_commit
from foundation.jobs.hooks import job_ended_outside_handler
from foundation.jobs.service import JobNotFoundError, read_job
from foundation.models import Job, JobStatus, Role, User, utcnow


class JobStateError(ValueError):
    """The job's status does not allow this action (a 409)."""


def can_see_job(viewer: User | None, job: Job) -> bool:
    """Jobs of a user are theirs and the administrators'; jobs of nobody (system) are public."""
    if job.owner_id is None:
        return True
    return viewer is not None and (viewer.role is Role.admin or viewer.id == job.owner_id)


def visible_job(session: Session, job_id: int, viewer: User | None) -> Job:
    job = read_job(session, job_id)
    if not can_see_job(viewer, job):
        raise JobNotFoundError(job_id)
    return job


def controllable_job(session: Session, job_id: int, user: User) -> Job:
    job = visible_job(session, job_id, user)
    if job.owner_id is None and user.role is not Role.admin:
        raise JobNotFoundError(job_id)
    return job


def can_control(viewer: User, job_id: int, session: Session) -> bool:
    try:
        controllable_job(session, job_id, viewer)
    except JobNotFoundError:
        return False
    return True


def cancel_job(session: Session, job_id: int, user: User) -> Job:
    """A queued job ends now; a running one stops at its next progress report."""
    job = controllable_job(session, job_id, user)
    if job.status.finished:
        raise JobStateError(f"job {job_id} already {job.status.value}")
    request_cancel(session, job)
    return job


def request_cancel(session: Session, job: Job) -> None:
    """Cancel an unfinished job: a queued one ends here (its kind's hooks run), a running one
    is stopped by its worker."""
    job.cancel_requested = True
    if job.status is JobStatus.queued:
        job.status, job.finished_at, job.message = JobStatus.cancelled, utcnow(), "cancelled"
        job_ended_outside_handler(session, job)
    else:
        job.message = "cancelling…"


def retry_job(session: Session, job_id: int, user: User, settings: Settings) -> Job:
    """Queue a failed or cancelled job again, as a fresh set of attempts."""
    job = controllable_job(session, job_id, user)
    if job.status not in (JobStatus.failed, JobStatus.cancelled):
        raise JobStateError(
            f"only failed or cancelled jobs can be retried; this one is {job.status.value}"
        )
    check_quotas(session, settings, user)
    job.status, job.attempts, job.progress = JobStatus.queued, 0, 0.0
    job.error, job.finished_at, job.cancel_requested = None, None, False
    job.message, job.enqueued_at = "queued again", None
    enqueue_after_commit(session, QueuedJob(job.id, job.queue))
    return job
