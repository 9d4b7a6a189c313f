"""What the command groups share: a unit of work that sends its jobs, following a job."""

from __future__ import annotations

import time
from contextlib import AbstractContextManager

import typer
from sqlalchemy.orm import Session
from tqdm import tqdm

from foundation.config import Settings
from foundation.db import create_session_factory
from foundation.jobs import service as jobs
from foundation.jobs.dispatch import unit_of_work_sending_jobs
from foundation.models import Job


def session_scope(settings: Settings) -> AbstractContextManager[Session]:
    return unit_of_work_sending_jobs(create_session_factory(settings), settings)


def follow_job(settings: Settings, job_id: int) -> None:
    """A progress bar fed by the job row, until the job ends; exit code 1 unless it succeeded."""
    factory = create_session_factory(settings)
    with tqdm(total=1.0, unit="job", bar_format="{percentage:3.0f}%|{bar:30}| {desc}") as bar:
        while True:
            with factory() as session:
                job = jobs.read_job(session, job_id)
            bar.n = job.progress
            bar.set_description_str(f"{job.status.value}: {job.message}"[:60])
            bar.refresh()
            if job.status.finished:
                break
            time.sleep(0.5)
    typer.echo(describe_job(job))
    if job.status.value != "succeeded":
        raise typer.Exit(1)


def describe_job(job: Job) -> str:
    text = f"job {job.id} ({job.kind}): {job.status.value}, {job.progress:.0%}, {job.message}"
    return text + (f"\nerror: {job.error}" if job.error else "")
