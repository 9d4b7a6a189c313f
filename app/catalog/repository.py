"""Queries of the catalogue: benchmarks, visible models, their scores and jobs."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from app.catalog.visibility import Viewer, visible_clause
from foundation.models import Benchmark, Job, Model, Score, Source


def benchmarks(session: Session) -> Sequence[Benchmark]:
    return session.scalars(sa.select(Benchmark).order_by(Benchmark.id)).all()


def benchmark(session: Session, identifier: str) -> Benchmark | None:
    """The newest version of ``identifier``."""
    return session.scalars(
        sa.select(Benchmark)
        .where(Benchmark.identifier == identifier)
        .order_by(Benchmark.version.desc())
        .limit(1)
    ).first()


def _model_filter(viewer: Viewer, text: str, source: str) -> list[sa.ColumnElement[bool]]:
    conditions = [visible_clause(viewer)]
    if text:
        conditions.append(Model.name.ilike(f"%{_escape(text)}%", escape="\\"))
    if source in {Source.computed.value, Source.published.value}:
        conditions.append(Model.source == Source(source))
    return conditions


def models(
    session: Session, viewer: Viewer, text: str, source: str, offset: int, limit: int
) -> tuple[Sequence[Model], int]:
    conditions = _model_filter(viewer, text, source)
    total = session.scalar(sa.select(sa.func.count(Model.id)).where(*conditions)) or 0
    rows = session.scalars(
        sa.select(Model).where(*conditions).order_by(Model.name).offset(offset).limit(limit)
    ).all()
    return rows, total


def visible_model(session: Session, viewer: Viewer, name: str) -> Model | None:
    return session.scalars(
        sa.select(Model).where(Model.name == name, visible_clause(viewer))
    ).first()


def visible_models_named(session: Session, viewer: Viewer, names: Sequence[str]) -> list[Model]:
    rows = session.scalars(
        sa.select(Model).where(Model.name.in_(names), visible_clause(viewer))
    ).all()
    order = {name: index for index, name in enumerate(names)}
    return sorted(rows, key=lambda row: order[row.name])


def scores(
    session: Session,
    viewer: Viewer,
    model: str | None,
    benchmark: str | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[Score], int]:
    conditions = [visible_clause(viewer)]
    if model:
        conditions.append(Model.name == model)
    if benchmark:
        conditions.append(Benchmark.identifier == benchmark)
    query = sa.select(Score).join(Score.model).join(Score.benchmark).where(*conditions)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(joinedload(Score.model), joinedload(Score.benchmark))
        .order_by(Model.name, Benchmark.identifier)
        .offset(offset)
        .limit(limit)
    ).all()
    return rows, total


def model_scores(session: Session, model_id: int) -> Sequence[Score]:
    return session.scalars(
        sa.select(Score).where(Score.model_id == model_id).options(joinedload(Score.benchmark))
    ).all()


def model_jobs(session: Session, model_id: int) -> Sequence[Job]:
    return session.scalars(
        sa.select(Job).where(Job.model_id == model_id).order_by(Job.created_at.desc()).limit(50)
    ).all()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
