"""Queries of scoring and training runs: model locks, benchmark rows, score rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from foundation.models import Benchmark, Job, JobStatus, Model, Score, ScoreStatus, WeightArtifact

ACTIVE_JOB = (JobStatus.queued, JobStatus.running)
FINAL_SCORE = (ScoreStatus.succeeded, ScoreStatus.failed)


def model_by_name(session: Session, name: str) -> Model | None:
    return session.scalar(sa.select(Model).where(Model.name == name))


def lock_model(session: Session, model_id: int) -> Model:
    """The model row, locked until the transaction ends (serialises runs of one model)."""
    return session.execute(
        sa.select(Model).where(Model.id == model_id).with_for_update()
    ).scalar_one()


def lock_model_if_present(session: Session, model_id: int) -> Model | None:
    return session.execute(
        sa.select(Model).where(Model.id == model_id).with_for_update()
    ).scalar_one_or_none()


def benchmark(session: Session, identifier: str, version: int) -> Benchmark | None:
    return session.scalar(
        sa.select(Benchmark).where(Benchmark.identifier == identifier, Benchmark.version == version)
    )


def add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def score(session: Session, model_id: int, benchmark_id: int) -> Score | None:
    return session.scalar(
        sa.select(Score).where(Score.model_id == model_id, Score.benchmark_id == benchmark_id)
    )


def job_is_active(session: Session, job_id: int | None) -> bool:
    if job_id is None:
        return False
    status = session.scalar(sa.select(Job.status).where(Job.id == job_id))
    return status in ACTIVE_JOB


def active_training_job(session: Session, model_id: int) -> Job | None:
    """The model's queued or running ``train`` job, if any."""
    return session.scalar(
        sa.select(Job)
        .where(Job.model_id == model_id, Job.kind == "train", Job.status.in_(ACTIVE_JOB))
        .order_by(Job.id)
        .limit(1)
    )


def update_score_of_job(
    session: Session,
    model_id: int,
    benchmark_id: int,
    job_id: int,
    values: dict[str, Any],
    unfinished_only: bool = False,
) -> bool:
    """Write the score row only while it still belongs to ``job_id`` (a newer re-score wins),
    and with ``unfinished_only`` only while it is not final yet."""
    query = (
        sa.update(Score)
        .where(Score.model_id == model_id, Score.benchmark_id == benchmark_id)
        .where(Score.job_id == job_id)
    )
    if unfinished_only:
        query = query.where(Score.status.not_in(FINAL_SCORE))
    updated = session.execute(query.values(values).returning(Score.id)).scalar_one_or_none()
    return updated is not None


def scores_of_jobs(session: Session, job_ids: Sequence[int]) -> Sequence[Score]:
    return session.scalars(sa.select(Score).where(Score.job_id.in_(job_ids))).all()


def artifact(session: Session, artifact_id: int | None) -> WeightArtifact | None:
    return None if artifact_id is None else session.get(WeightArtifact, artifact_id)


def jobs(session: Session, job_ids: Sequence[int]) -> Sequence[Job]:
    return session.scalars(sa.select(Job).where(Job.id.in_(job_ids)).order_by(Job.id)).all()


def jobs_of_kind(session: Session, kind: str) -> Sequence[Job]:
    return session.scalars(sa.select(Job).where(Job.kind == kind).order_by(Job.id)).all()
