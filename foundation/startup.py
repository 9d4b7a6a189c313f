"""What every Ventral process installs when it starts: the web app, each worker, the CLI."""

from __future__ import annotations

from foundation.jobs.hooks import register_job_ended_hook
from foundation.runs.service import close_score_of_ended_job


def install_job_hooks() -> None:
    """What follows when a job ends outside its handler, per kind (``foundation.jobs.hooks``).
    Safe to call more than once."""
    register_job_ended_hook("score", close_score_of_ended_job)
