"""Queries for submissions: models by name, a user's recent submissions and running jobs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from foundation.models import Job, JobStatus, Model, Submission, WeightArtifact


def model_by_name(session: Session, name: str) -> Model | None:
    return session.scalar(sa.select(Model).where(Model.name == name))


def submissions_since(session: Session, user_id: int, since: datetime) -> Sequence[Submission]:
    return session.scalars(
        sa.select(Submission)
        .where(Submission.user_id == user_id, Submission.created_at >= since)
        .options(selectinload(Submission.jobs))
    ).all()


def active_jobs_of_kind(session: Session, user_id: int, kind: str) -> int:
    """The user's queued or running jobs of one kind (the quota counts validations only)."""
    statuses = (JobStatus.queued, JobStatus.running)
    query = sa.select(sa.func.count(Job.id)).where(
        Job.owner_id == user_id, Job.kind == kind, Job.status.in_(statuses)
    )
    return session.scalar(query) or 0


def get(session: Session, submission_id: int) -> Submission | None:
    return session.get(Submission, submission_id)


def of_user(session: Session, user_id: int, limit: int = 200) -> Sequence[Submission]:
    return session.scalars(
        sa.select(Submission)
        .where(Submission.user_id == user_id)
        .order_by(Submission.id.desc())
        .limit(limit)
        .options(selectinload(Submission.jobs))
    ).all()


def add_all(session: Session, *rows: Model | Submission | WeightArtifact) -> None:
    session.add_all(rows)
    session.flush()
