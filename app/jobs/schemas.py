"""What the API says about a job."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from foundation.models import JobStatus


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
