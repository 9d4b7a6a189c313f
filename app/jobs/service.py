"""A job as its page and the API show it: the row, its model, and its place in the queue."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.jobs.control import can_see_job
from app.jobs.schemas import JobAhead, JobRead, QueuePlaceRead
from foundation.jobs.service import queue_place
from foundation.models import Job, Model, User

# The page lists at most this many jobs ahead; the position counts them all.
AHEAD_SHOWN = 10


def describe_job(session: Session, job: Job, viewer: User | None) -> JobRead:
    read = JobRead.model_validate(job)
    name = _model_name(session, job.model_id)
    if name is not None:
        read.model, read.model_url = name, f"/models/{name}"
    place = queue_place(session, job)
    if place is not None:
        read.queue_place = QueuePlaceRead(
            position=place.position,
            ahead=[_ahead(session, other, viewer) for other in place.ahead[:AHEAD_SHOWN]],
            running=[_ahead(session, other, viewer) for other in place.running],
            wait_seconds=place.wait_seconds,
            typical_seconds=place.typical_seconds,
        )
    return read


def _ahead(session: Session, job: Job, viewer: User | None) -> JobAhead:
    model = _model_name(session, job.model_id) if can_see_job(viewer, job) else None
    return JobAhead(
        id=job.id,
        kind=job.kind,
        queue=job.queue,
        status=job.status,
        progress=job.progress,
        model=model,
    )


def _model_name(session: Session, model_id: int | None) -> str | None:
    model = None if model_id is None else session.get(Model, model_id)
    return None if model is None else model.name
