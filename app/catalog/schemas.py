"""The catalogue's API shapes: benchmarks (a tree), models, score rows, pages of items."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from app.leaderboard.schemas import LeaderboardRowOut

Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    total: int
    offset: int
    limit: int
    items: list[Item]


class BenchmarkOut(BaseModel):
    identifier: str
    version: int
    parent: str | None
    metric: str | None
    ceiling: float | None
    ceiling_error: float | None
    data_installed: bool
    synthetic: bool
    reference: str | None
    description: str | None
    n_stimuli: int | None
    n_sites: int | None
    is_aggregate: bool


class BenchmarkNodeOut(BenchmarkOut):
    children: list[BenchmarkNodeOut] = Field(default_factory=list)


class RankedModelOut(BaseModel):
    rank: int
    model: str
    value: float
    error: float | None = None


class BenchmarkDetailOut(BenchmarkOut):
    bibtex: str | None
    children: list[str]
    preset: str
    ranking: list[RankedModelOut]


class ModelOut(BaseModel):
    name: str
    display_name: str
    source: str
    origin: str
    visibility: str
    architecture: str | None
    format: str
    family: str | None
    depth: float | None
    parameters: float | None
    training_data: str | None
    reference: str | None
    created_at: datetime


class ScoreOut(BaseModel):
    model: str
    benchmark: str
    version: int
    raw: float | None
    ceiled: float | None
    error: float | None
    ceiling: float | None
    status: str
    source: str
    citation: str | None
    finished_at: datetime | None
    job_id: int | None
    details: dict[str, Any]
    state: str = ""
    """``status``, except ``not installed`` for a score its benchmark's data are missing for
    (not a failure of the model)."""
    reason: str | None = None


class JobSummaryOut(BaseModel):
    id: int
    kind: str
    status: str
    created_at: datetime
    finished_at: datetime | None
    error: str | None


class ModelDetailOut(ModelOut):
    bibtex: str | None
    citation: str | None
    region_commitments: dict[str, Any]
    metadata: dict[str, Any]
    ranks: dict[str, int | None]
    scores: list[ScoreOut]
    jobs: list[JobSummaryOut] | None
    weights: str | None = None
    """What the row's weights are, in a sentence (trained here, shipped, or none yet)."""


class CompareOut(BaseModel):
    preset: str
    columns: list[str]
    rows: list[LeaderboardRowOut]
