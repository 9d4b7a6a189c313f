"""What the admin API takes and returns."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.auth.schemas import NO_NUL
from foundation.models import Role


class UserUpdate(BaseModel):
    """Only the fields sent are changed; a quota of null goes back to the server default."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    active: bool | None = None
    submissions_per_day: int | None = Field(default=None, ge=0, le=100_000)
    concurrent_jobs: int | None = Field(default=None, ge=0, le=10_000)


class RescoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(default=None, max_length=100, pattern=NO_NUL)
    benchmark: str | None = Field(default=None, max_length=200, pattern=NO_NUL)


class JobsCreated(BaseModel):
    job_ids: list[int]


class ModelDeleted(BaseModel):
    model: str
    removed_folders: int
