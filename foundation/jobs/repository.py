"""Every query on the jobs table. Status changes are conditional updates, safe under races."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from foundation.models import Job, JobStatus


def get(session: Session, job_id: int) -> Job | None:
    return session.get(Job, job_id)


def add(session: Session, job: Job) -> Job:
    session.add(job)
    session.flush()
    return job


def claim(
    session: Session,
    job_id: int,
    worker: str,
    now: datetime,
    stale_before: datetime,
    max_attempts: int,
) -> int | None:
    """Mark a job running for this worker; the new attempt number, or None if not claimable.

    Claimable: queued, or running with a heartbeat older than ``stale_before`` (its worker died),
    and fewer than ``max_attempts`` attempts so far.
    """
    claimable = sa.and_(
        Job.attempts < max_attempts,
        Job.cancel_requested.is_(False),
        sa.or_(
            Job.status == JobStatus.queued,
            sa.and_(Job.status == JobStatus.running, Job.heartbeat_at < stale_before),
        ),
    )
    values = {
        "status": JobStatus.running,
        "attempts": Job.attempts + 1,
        "worker": worker,
        "started_at": now,
        "heartbeat_at": now,
        "error": None,
    }
    updated = session.execute(
        sa.update(Job).where(Job.id == job_id, claimable).values(values).returning(Job.attempts)
    ).scalar_one_or_none()
    return updated


def update_running(
    session: Session, job_id: int, attempt: int, values: dict[str, Any]
) -> bool | None:
    """Write progress of the attempt that owns the job; None if another attempt owns it now,
    else whether a cancel was requested."""
    return session.execute(
        sa.update(Job)
        .where(Job.id == job_id, Job.attempts == attempt, Job.status == JobStatus.running)
        .values(values)
        .returning(Job.cancel_requested)
    ).scalar_one_or_none()


def finish(session: Session, job_id: int, attempt: int, values: dict[str, Any]) -> bool:
    """End the attempt that owns the job; False if the job is not (or no longer) its to end."""
    ended = session.execute(
        sa.update(Job)
        .where(Job.id == job_id, Job.attempts == attempt, Job.status == JobStatus.running)
        .values(values)
        .returning(Job.id)
    ).scalar_one_or_none()
    return ended is not None


def requeue(session: Session, job_id: int, attempt: int, message: str) -> bool:
    """The attempt that owns the job gives it back to the queue, not counted as an attempt."""
    values = {
        "status": JobStatus.queued,
        "attempts": Job.attempts - 1,
        "enqueued_at": None,
        "worker": None,
        "message": message,
    }
    return finish(session, job_id, attempt, values)


def user_work_pending(session: Session, user_queues: Sequence[str]) -> bool:
    """Any job on a user queue that is queued or running."""
    active = (JobStatus.queued, JobStatus.running)
    found = session.scalar(
        sa.select(Job.id)
        .where(Job.queue.in_(user_queues), Job.status.in_(active))
        .where(Job.cancel_requested.is_(False))
        .limit(1)
    )
    return found is not None


def queued_ahead(session: Session, job: Job, queues: Sequence[str]) -> Sequence[Job]:
    """Queued jobs a worker takes before ``job``: every one on a queue of higher priority
    (``queues``), and the older ones on its own queue."""
    higher = [name for name in queues if name != job.queue]
    return session.scalars(
        sa.select(Job)
        .where(Job.status == JobStatus.queued, Job.cancel_requested.is_(False))
        .where(sa.or_(Job.queue.in_(higher), sa.and_(Job.queue == job.queue, Job.id < job.id)))
        .order_by(Job.id)
    ).all()


def running_on(session: Session, queues: Sequence[str]) -> Sequence[Job]:
    return session.scalars(
        sa.select(Job)
        .where(Job.status == JobStatus.running, Job.queue.in_(queues))
        .order_by(Job.id)
    ).all()


def recent_durations(session: Session, kind: str, limit: int) -> list[float]:
    """Seconds from start to end of the last ``limit`` succeeded jobs of ``kind``."""
    rows = session.execute(
        sa.select(Job.started_at, Job.finished_at)
        .where(Job.kind == kind, Job.status == JobStatus.succeeded)
        .where(Job.started_at.is_not(None), Job.finished_at.is_not(None))
        .order_by(Job.finished_at.desc())
        .limit(limit)
    ).all()
    return [(end - start).total_seconds() for start, end in rows if start and end]


def mark_sent(session: Session, job_id: int, now: datetime | None) -> None:
    session.execute(sa.update(Job).where(Job.id == job_id).values(enqueued_at=now))


def requeue_stale(session: Session, stale_before: datetime, max_attempts: int) -> Sequence[int]:
    """Running jobs whose worker stopped sending heartbeats go back to queued."""
    return (
        session.execute(
            sa.update(Job)
            .where(Job.status == JobStatus.running, Job.heartbeat_at < stale_before)
            .where(Job.attempts < max_attempts, Job.cancel_requested.is_(False))
            .values(
                status=JobStatus.queued, enqueued_at=None, message="re-queued: its worker stopped"
            )
            .returning(Job.id)
        )
        .scalars()
        .all()
    )


def fail_abandoned(
    session: Session, stale_before: datetime, max_attempts: int, now: datetime
) -> Sequence[int]:
    """Stale jobs that used up their attempts fail instead of looping forever."""
    error = (
        f"the worker running this job stopped {max_attempts} times (out of memory, over the "
        "time limit, or the machine went down); giving up"
    )
    return (
        session.execute(
            sa.update(Job)
            .where(Job.status == JobStatus.running, Job.heartbeat_at < stale_before)
            .where(Job.attempts >= max_attempts, Job.cancel_requested.is_(False))
            .values(status=JobStatus.failed, error=error, message="failed", finished_at=now)
            .returning(Job.id)
        )
        .scalars()
        .all()
    )


def cancel_stale(session: Session, stale_before: datetime, now: datetime) -> Sequence[int]:
    """Stale jobs that were being cancelled end cancelled: a new attempt would refuse them."""
    return (
        session.execute(
            sa.update(Job)
            .where(Job.status == JobStatus.running, Job.heartbeat_at < stale_before)
            .where(Job.cancel_requested.is_(True))
            .values(status=JobStatus.cancelled, message="cancelled", finished_at=now)
            .returning(Job.id)
        )
        .scalars()
        .all()
    )


def of_ids(session: Session, job_ids: Sequence[int]) -> Sequence[Job]:
    return session.scalars(sa.select(Job).where(Job.id.in_(job_ids)).order_by(Job.id)).all()


def unsent(
    session: Session, created_before: datetime, sent_before: datetime, including: Sequence[int] = ()
) -> Sequence[Job]:
    """Queued jobs whose task was never sent, or sent so long ago the message may be lost,
    plus the queued jobs listed in ``including``."""
    return session.scalars(
        sa.select(Job)
        .where(Job.status == JobStatus.queued, Job.cancel_requested.is_(False))
        .where(
            sa.or_(
                sa.and_(Job.enqueued_at.is_(None), Job.created_at < created_before),
                Job.enqueued_at < sent_before,
                Job.id.in_(including),
            )
        )
        .order_by(Job.id)
    ).all()


def reserve_resend(session: Session, job: Job, now: datetime) -> bool:
    """Stamp the job as sent unless another sweeper got there first."""
    previous = (
        Job.enqueued_at.is_(None) if job.enqueued_at is None else Job.enqueued_at == job.enqueued_at
    )
    reserved = session.execute(
        sa.update(Job)
        .where(Job.id == job.id, Job.status == JobStatus.queued, previous)
        .values(enqueued_at=now)
        .returning(Job.id)
    ).scalar_one_or_none()
    return reserved is not None
