"""Queries behind the leaderboard: the models (with what decides who sees them) and the scores."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from foundation.models import Benchmark, Model, Score

ScoreRow = Any
ModelRow = Any


_SCORES_PER_QUERY = 1000


def all_scores(session: Session) -> Sequence[ScoreRow]:
    return session.execute(_scores_query()).all()


def scores_of(session: Session, model_ids: Sequence[int]) -> list[ScoreRow]:
    """The scores of these models only (a snapshot's refresh after score writes)."""
    rows: list[ScoreRow] = []
    for start in range(0, len(model_ids), _SCORES_PER_QUERY):
        chunk = model_ids[start : start + _SCORES_PER_QUERY]
        rows += session.execute(_scores_query().where(Score.model_id.in_(chunk))).all()
    return rows


def _scores_query() -> sa.Select[Any]:
    return sa.select(
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


def installed_benchmarks(session: Session) -> Sequence[str]:
    return session.scalars(
        sa.select(Benchmark.identifier).where(Benchmark.data_installed.is_(True))
    ).all()


def all_models(session: Session) -> Sequence[ModelRow]:
    return session.execute(
        sa.select(
            Model.id,
            Model.name,
            Model.source,
            Model.visibility,
            Model.status,
            Model.owner_id,
            Model.architecture,
            Model.model_metadata,
            Model.weights_artifact_id,
        ).order_by(Model.id)
    ).all()


def benchmark_bibtex(session: Session, identifiers: Sequence[str]) -> dict[str, str]:
    rows = session.execute(
        sa.select(Benchmark.identifier, Benchmark.bibtex).where(
            Benchmark.identifier.in_(identifiers)
        )
    ).all()
    return {identifier: bibtex for identifier, bibtex in rows if bibtex}
