"""Creating, reading and re-sending jobs."""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from foundation.db import JobSender, QueuedJob, enqueue_after_commit
from foundation.jobs import repository
from foundation.jobs.hooks import job_ended_outside_handler
from foundation.jobs.payloads import JobPayload
from foundation.jobs.queues import DEFAULT_QUEUE, USER_QUEUES, queues_before
from foundation.models import Job, JobStatus, utcnow

log = logging.getLogger(__name__)


class JobNotFoundError(LookupError):
    def __init__(self, job_id: int) -> None:
        super().__init__(f"job {job_id} not found")


def create_job(
    session: Session,
    payload: JobPayload,
    queue: str = DEFAULT_QUEUE,
    **links: int | None,
) -> Job:
    """Add a job row of ``payload.kind``; its task is sent once the caller's transaction
    commits. The payload is checked against its kind's model again (it may have been changed
    since it was built)."""
    checked = type(payload).model_validate(payload.model_dump())
    row = Job(kind=payload.kind, payload=checked.model_dump(mode="json"), queue=queue, **links)
    job = repository.add(session, row)
    enqueue_after_commit(session, QueuedJob(job.id, job.queue))
    return job


def read_job(session: Session, job_id: int) -> Job:
    job = repository.get(session, job_id)
    if job is None:
        raise JobNotFoundError(job_id)
    return job


def user_work_waiting(session: Session) -> bool:
    """An upload's validation or scoring is queued or running: long reference work yields."""
    return repository.user_work_pending(session, USER_QUEUES)


# How many recent finished jobs of a kind the estimates are drawn from.
RECENT_JOBS = 20


@dataclass
class QueuePlace:
    """Where a queued job stands: ``position`` 1 starts next; ``ahead`` are the queued jobs a
    worker takes first, ``running`` those its queues' workers run now. ``wait_seconds`` is the
    expected time until it starts, ``typical_seconds`` how long jobs of its kind took lately
    (medians of recent durations; None before any job of a kind has finished)."""

    position: int
    ahead: list[Job]
    running: list[Job]
    wait_seconds: float | None
    typical_seconds: float | None


def queue_place(session: Session, job: Job) -> QueuePlace | None:
    """None unless the job is queued."""
    if job.status is not JobStatus.queued:
        return None
    queues = queues_before(job.queue)
    ahead = list(repository.queued_ahead(session, job, queues))
    running = list(repository.running_on(session, queues))
    typical = _TypicalDurations(session)
    remaining = [typical(other.kind) for other in ahead]
    remaining += [typical.left(other) for other in running]
    known = [seconds for seconds in remaining if seconds is not None]
    wait = sum(known) if known or not remaining else None
    return QueuePlace(len(ahead) + 1, ahead, running, wait, typical(job.kind))


class _TypicalDurations:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[str, float | None] = {}

    def __call__(self, kind: str) -> float | None:
        if kind not in self.cache:
            durations = repository.recent_durations(self.session, kind, RECENT_JOBS)
            self.cache[kind] = statistics.median(durations) if durations else None
        return self.cache[kind]

    def left(self, running: Job) -> float | None:
        typical = self(running.kind)
        return None if typical is None else typical * (1 - running.progress)


@dataclass
class SweepReport:
    requeued_stale: list[int] = field(default_factory=list)
    abandoned: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    resent: list[int] = field(default_factory=list)


def sweep_jobs(
    factory: sessionmaker[Session], send: JobSender, settings: Settings, now: datetime | None = None
) -> SweepReport:
    """Re-queue jobs whose worker died, and re-send jobs whose task never reached the broker.

    A dead worker's job that used up its attempts fails, and one that was being cancelled ends
    cancelled; their kinds' hooks run in the same transaction (``foundation.jobs.hooks``)."""
    now = now or utcnow()
    report = SweepReport()
    with factory.begin() as session:
        _settle_silent_jobs(session, settings, now, report)
    for job in _reserve_unsent(factory, settings, now, report.requeued_stale):
        send([job])
        report.resent.append(job.id)
    if report.requeued_stale or report.resent or report.abandoned or report.cancelled:
        log.info(
            "sweep: re-queued %s, re-sent %s, gave up on %s, cancelled %s",
            report.requeued_stale,
            report.resent,
            report.abandoned,
            report.cancelled,
        )
    return report


def _settle_silent_jobs(
    session: Session, settings: Settings, now: datetime, report: SweepReport
) -> None:
    stale_before = now - timedelta(seconds=settings.job_stale_seconds)
    attempts = settings.job_max_attempts
    report.cancelled = list(repository.cancel_stale(session, stale_before, now))
    report.abandoned = list(repository.fail_abandoned(session, stale_before, attempts, now))
    report.requeued_stale = list(repository.requeue_stale(session, stale_before, attempts))
    for ended in repository.of_ids(session, report.cancelled + report.abandoned):
        job_ended_outside_handler(session, ended)


def _reserve_unsent(
    factory: sessionmaker[Session], settings: Settings, now: datetime, requeued: list[int]
) -> list[QueuedJob]:
    created_before = now - timedelta(seconds=settings.job_unsent_grace_seconds)
    sent_before = now - timedelta(seconds=settings.job_resend_after_seconds)
    with factory.begin() as session:
        candidates = repository.unsent(session, created_before, sent_before, requeued)
        reserved = [job for job in candidates if repository.reserve_resend(session, job, now)]
        return [QueuedJob(job.id, job.queue) for job in reserved]
