"""Sends job tasks to the broker. A send that fails leaves the job queued for the sweep.

``unit_of_work_sending_jobs`` is how the CLI and the workers open a transaction whose new jobs
go to the broker once it commits (the web's requests do the same through ``app.state``)."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager

from celery import Celery
from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from foundation.db import QueuedJob, unit_of_work
from foundation.jobs import repository
from foundation.jobs.queues import RUN_JOB_TASK, celery_client
from foundation.models import utcnow

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


def job_dispatcher(settings: Settings, factory: sessionmaker[Session]) -> JobDispatcher:
    return JobDispatcher(celery_client(settings), factory)


def unit_of_work_sending_jobs(
    factory: sessionmaker[Session], settings: Settings
) -> AbstractContextManager[Session]:
    """A unit of work whose enqueued jobs are sent to the broker after the commit."""
    return unit_of_work(factory, job_dispatcher(settings, factory))
