"""Sends job tasks to the broker. A send that fails leaves the job queued for the sweep."""

from __future__ import annotations

import logging

from celery import Celery
from sqlalchemy.orm import Session, sessionmaker

from app.core.db import QueuedJob
from app.core.models import utcnow
from app.jobs import repository
from worker.config import RUN_JOB_TASK

log = logging.getLogger(__name__)


class JobDispatcher:
    """A ``JobSender``: one ``run_job`` task per job, carrying only the job id."""

    def __init__(self, celery: Celery, factory: sessionmaker[Session]) -> None:
        self.celery = celery
        self.factory = factory

    def __call__(self, jobs: list[QueuedJob]) -> None:
        for job in jobs:
            self.send(job)

    def send(self, job: QueuedJob) -> bool:
        try:
            self.celery.send_task(RUN_JOB_TASK, args=[job.id], queue=job.queue)
        except Exception as error:  # the broker is down or refuses: the sweep re-sends later
            log.warning("could not send job %s to the broker: %s", job.id, error)
            self._record(job.id, sent=False)
            return False
        self._record(job.id, sent=True)
        return True

    def _record(self, job_id: int, sent: bool) -> None:
        with self.factory.begin() as session:
            repository.mark_sent(session, job_id, utcnow() if sent else None)
