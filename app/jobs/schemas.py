"""What the API says about a job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from foundation.models import JobStatus


class JobAhead(BaseModel):
    """A job that runs before the one asked about; another user's model is not named."""

    id: int
    kind: str
    queue: str
    status: JobStatus
    progress: float
    model: str | None


class QueuePlaceRead(BaseModel):
    """Where a queued job stands: ``position`` 1 starts next. ``wait_seconds``: expected time
    until it starts, from the median durations of recent jobs of each kind ahead;
    ``typical_seconds``: the median duration of recent jobs of its own kind (None: no job of
    that kind has finished yet)."""

    position: int
    ahead: list[JobAhead]
    running: list[JobAhead]
    wait_seconds: float | None
    typical_seconds: float | None


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    status: JobStatus
    progress: float
    message: str
    log_tail: str
    error: str | None
    attempts: int
    worker: str | None
    queue: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: dict[str, Any] | None = None
    model: str | None = None
    model_url: str | None = None
    queue_place: QueuePlaceRead | None = None
