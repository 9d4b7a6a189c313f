"""What follows, per job kind, when a job ends outside its handler.

A handler records its outcome where its area needs it (the ``score`` handler writes the score row,
then tries the run's aggregate step). Some jobs end without their handler: the sweep gives up on a
job whose worker died ``job_max_attempts`` times, or cancels one whose worker died while it was
being cancelled; a queued job is cancelled by its owner or because its model was deleted. The
area that creates a kind of job registers here what must follow then, so that ``app.jobs`` needs
to know no other area. Hooks run in the transaction that ends the job: both commit together.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.core.models import Job

JobEndedHook = Callable[[Session, Job], None]
_HOOKS: dict[str, list[JobEndedHook]] = {}


def on_job_ended_outside_handler(kind: str) -> Callable[[JobEndedHook], JobEndedHook]:
    """Register ``hook(session, job)`` for jobs of ``kind`` that end without their handler."""

    def register(hook: JobEndedHook) -> JobEndedHook:
        _HOOKS.setdefault(kind, []).append(hook)
        return hook

    return register


def job_ended_outside_handler(session: Session, job: Job) -> None:
    for hook in _HOOKS.get(job.kind, ()):
        hook(session, job)
