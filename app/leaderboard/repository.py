"""Queries behind the leaderboard: one for the scores, one for the visible models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.catalog.visibility import Viewer, visible_clause
from foundation.models import Benchmark, Model, Score

ScoreRow = Any
ModelRow = Any


def scores_version(session: Session) -> tuple[Any, ...]:
    """Changes whenever a score is added, removed or rewritten (every writer of a score sets
    ``finished_at``) and whenever a model is added or removed. Visibility is not part of it: it
    is read fresh on every request."""
    scores = session.execute(
        sa.select(sa.func.count(Score.id), sa.func.max(Score.id), sa.func.max(Score.finished_at))
    ).one()
    models = session.execute(sa.select(sa.func.count(Model.id), sa.func.max(Model.id))).one()
    return (*scores, *models)


def all_scores(session: Session) -> Sequence[ScoreRow]:
    return session.execute(
        sa.select(
            Score.model_id,
            Benchmark.identifier,
            Score.raw,
            Score.ceiled,
            Score.error,
            Score.ceiling,
            Score.status,
            Score.source,
            Score.details["decoder"].as_string().label("decoder"),
            Score.details["by_decoder"].label("by_decoder"),
            Score.details["reason"].as_string().label("reason"),
        ).join(Benchmark, Score.benchmark_id == Benchmark.id)
    ).all()


def installed_benchmarks(session: Session) -> Sequence[str]:
    return session.scalars(
        sa.select(Benchmark.identifier).where(Benchmark.data_installed.is_(True))
    ).all()


def visible_model_ids(session: Session, viewer: Viewer) -> Sequence[int]:
    """Read on every request, so visibility is never served from a cache."""
    return session.scalars(
        sa.select(Model.id).where(visible_clause(viewer)).order_by(Model.id)
    ).all()


def all_models(session: Session) -> Sequence[ModelRow]:
    return session.execute(
        sa.select(
            Model.id,
            Model.name,
            Model.source,
            Model.visibility,
            Model.owner_id,
            Model.architecture,
            Model.model_metadata,
            Model.weights_artifact_id,
        )
    ).all()


def benchmark_bibtex(session: Session, identifiers: Sequence[str]) -> dict[str, str]:
    rows = session.execute(
        sa.select(Benchmark.identifier, Benchmark.bibtex).where(
            Benchmark.identifier.in_(identifiers)
        )
    ).all()
    return {identifier: bibtex for identifier, bibtex in rows if bibtex}
