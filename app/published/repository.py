"""Queries of the published-results seeder."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from foundation.models import Benchmark, Model, Score


def benchmarks_by_identifier(session: Session) -> dict[str, Benchmark]:
    """The newest version of every benchmark, by identifier."""
    rows = session.scalars(sa.select(Benchmark).order_by(Benchmark.version)).all()
    return {row.identifier: row for row in rows}


def models_by_name(session: Session, names: list[str]) -> dict[str, Model]:
    rows = session.scalars(sa.select(Model).where(Model.name.in_(names))).all()
    return {row.name: row for row in rows}


def scores_of(session: Session, model_ids: list[int]) -> dict[tuple[int, int], Score]:
    rows = session.scalars(sa.select(Score).where(Score.model_id.in_(model_ids))).all()
    return {(row.model_id, row.benchmark_id): row for row in rows}


def add(session: Session, row: object) -> None:
    session.add(row)
