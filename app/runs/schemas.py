"""Request and response bodies of the run routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from foundation.models import ScoreStatus

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$"


class RetrainRequest(BaseModel):
    profile: str = Field(default="cpu-quick", pattern=r"^(paper|cpu-quick|cpu-cifar10)$")
    dataset: str | None = Field(
        default=None, max_length=1024, description="folder on the workers; default: CIFAR-10"
    )
    per_class: int = Field(default=500, ge=1, le=100_000)
    val_per_class: int = Field(default=100, ge=1, le=1000)
    epochs: int | None = Field(default=None, ge=1, le=1000)
    nproc: int = Field(default=1, ge=1, le=64)


class ScoreRequest(BaseModel):
    benchmarks: list[str] | None = Field(default=None, max_length=100)
    parametrization: str = Field(default="leaderboard", pattern=r"^(leaderboard|full|test)$")


class StudyRequest(RetrainRequest):
    name: str = Field(pattern=NAME_PATTERN)
    variants: list[str] = Field(min_length=1, max_length=20)


class JobCreated(BaseModel):
    job_id: int


class ScoringRunCreated(BaseModel):
    run_id: str
    job_ids: list[int]
    skipped: dict[str, str]
    already_running: dict[str, int]


class StudyCreated(BaseModel):
    study_id: int
    members: dict[str, dict[str, Any]]


class ScoreRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    benchmark: str
    version: int
    status: ScoreStatus
    raw: float | None
    ceiling: float | None
    ceiled: float | None
    error: float | None
    reason: str | None
    details: dict[str, Any]
    job_id: int | None
    started_at: datetime | None
    finished_at: datetime | None


class ModelRunRead(BaseModel):
    model: str
    scoring_run: dict[str, Any] | None
    scores: list[ScoreRead]
