"""Queries for administration: models by name, their submissions, recent jobs."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from foundation.models import Job, JobStatus, Model, ModelStatus, Source, Submission


def model_by_name(session: Session, name: str) -> Model | None:
    return session.scalar(sa.select(Model).where(Model.name == name))


def submission_ids_of_model(session: Session, model_id: int) -> Sequence[int]:
    return session.scalars(sa.select(Submission.id).where(Submission.model_id == model_id)).all()


def unfinished_jobs_of_model(session: Session, model_id: int) -> Sequence[Job]:
    statuses = (JobStatus.queued, JobStatus.running)
    return session.scalars(
        sa.select(Job).where(Job.model_id == model_id, Job.status.in_(statuses))
    ).all()


def recent_jobs(session: Session, limit: int = 50) -> Sequence[Job]:
    return session.scalars(sa.select(Job).order_by(Job.id.desc()).limit(limit)).all()


def computed_models(session: Session, limit: int = 500) -> Sequence[Model]:
    return session.scalars(
        sa.select(Model).where(Model.source == Source.computed).order_by(Model.name).limit(limit)
    ).all()


def scorable_models(session: Session) -> Sequence[Model]:
    """Computed models that passed validation (uploads still being checked are left out)."""
    statuses = (ModelStatus.ready, ModelStatus.validated)
    return session.scalars(
        sa.select(Model)
        .where(Model.source == Source.computed, Model.status.in_(statuses))
        .order_by(Model.id)
    ).all()
