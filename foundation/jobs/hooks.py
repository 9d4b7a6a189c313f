"""What follows, per job kind, when a job ends outside its handler.

A handler records its outcome where its area needs it (the ``score`` handler writes the score row,
then tries the run's aggregate step). Some jobs end without their handler: the sweep gives up on a
job whose worker died ``job_max_attempts`` times, or cancels one whose worker died while it was
being cancelled; a queued job is cancelled by its owner or because its model was deleted. The
area that creates a kind of job registers here what must follow then, so that ``foundation.jobs``
needs to know no other area. Registration is explicit: every process calls
``foundation.startup.install_job_hooks()`` when it starts (web, worker, CLI), never an import.
Hooks run in the transaction that ends the job: both commit together.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from foundation.models import Job

JobEndedHook = Callable[[Session, Job], None]
_HOOKS: dict[str, list[JobEndedHook]] = {}


def register_job_ended_hook(kind: str, hook: JobEndedHook) -> None:
    """Run ``hook(session, job)`` for jobs of ``kind`` that end without their handler (once,
    however often it is registered)."""
    hooks = _HOOKS.setdefault(kind, [])
    if hook not in hooks:
        hooks.append(hook)


def registered_hooks(kind: str) -> list[JobEndedHook]:
    return list(_HOOKS.get(kind, ()))


def job_ended_outside_handler(session: Session, job: Job) -> None:
    for hook in _HOOKS.get(job.kind, ()):
        hook(session, job)
