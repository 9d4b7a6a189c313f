"""One attempt at running a job, as the worker sees it: claim, report, finish.

Each write is its own short transaction, so the pages see progress as it happens. Every write is
conditional on the attempt still owning the job, which makes completion exactly-once even when
the broker delivers a task twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from foundation.jobs import repository
from foundation.models import JobStatus, utcnow

LOG_TAIL_CHARS = 8000


class JobCancelledError(Exception):
    """Raised inside a run when a user asked to cancel the job."""


class LostOwnershipError(Exception):
    """Raised inside a run when another attempt took the job over (this one was presumed dead)."""


class JobYieldedError(Exception):
    """Raised inside a run that stops to let user work go first; the job goes back to the queue
    (``JobRun.requeue``) and the sweep sends it again, to resume from its last checkpoint."""


class JobRun:
    def __init__(self, factory: sessionmaker[Session], job_id: int, attempt: int) -> None:
        self.factory = factory
        self.job_id = job_id
        self.attempt = attempt
        self.log_tail = ""

    @classmethod
    def claim(
        cls, factory: sessionmaker[Session], settings: Settings, job_id: int, worker: str
    ) -> JobRun | None:
        """Start an attempt, or None when the job is finished or alive on another worker."""
        now = utcnow()
        stale_before = now - timedelta(seconds=settings.job_stale_seconds)
        with factory.begin() as session:
            attempt = repository.claim(
                session, job_id, worker, now, stale_before, settings.job_max_attempts
            )
        return None if attempt is None else cls(factory, job_id, attempt)

    def load(self) -> tuple[str, dict[str, Any]]:
        with self.factory() as session:
            job = repository.get(session, self.job_id)
            assert job is not None
            return job.kind, dict(job.payload)

    def log(self, line: str) -> None:
        self.log_tail = (self.log_tail + line.rstrip("\n") + "\n")[-LOG_TAIL_CHARS:]
        self._write({"log_tail": self.log_tail})

    def progress(self, fraction: float, message: str) -> None:
        self._write({"progress": min(max(fraction, 0.0), 1.0), "message": message})

    def heartbeat(self) -> None:
        self._write({})

    def succeed(self, result: dict[str, Any], message: str = "done") -> bool:
        return self._finish(JobStatus.succeeded, progress=1.0, message=message, result=result)

    def fail(self, error: str) -> bool:
        return self._finish(JobStatus.failed, message="failed", error=error)

    def cancel(self) -> bool:
        return self._finish(JobStatus.cancelled, message="cancelled")

    def requeue(self, message: str) -> bool:
        """Back to queued, unsent (the sweep sends it again); a yield is not a failed attempt."""
        with self.factory.begin() as session:
            return repository.requeue(session, self.job_id, self.attempt, message)

    def _write(self, values: dict[str, Any]) -> None:
        with self.factory.begin() as session:
            values = {**values, "heartbeat_at": utcnow()}
            cancel = repository.update_running(session, self.job_id, self.attempt, values)
        if cancel is None:
            raise LostOwnershipError(f"job {self.job_id} attempt {self.attempt} lost ownership")
        if cancel:
            raise JobCancelledError(f"job {self.job_id} was cancelled")

    def _finish(self, status: JobStatus, **values: Any) -> bool:
        values.update(status=status, finished_at=utcnow(), log_tail=self.log_tail)
        with self.factory.begin() as session:
            return repository.finish(session, self.job_id, self.attempt, values)
