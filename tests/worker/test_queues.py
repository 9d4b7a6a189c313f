"""Jobs go to the queue they name: a worker on `gpu` runs gpu jobs and leaves default ones."""

import time
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from foundation.models import Job, JobStatus
from tests.app.services import WorkerProcess, submit_job, wait_for


def status_of(factory: sessionmaker[Session], job_id: int) -> JobStatus:
    with factory() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job.status


def test_gpu_worker_takes_only_gpu_jobs(
    service_settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    worker = WorkerProcess(service_settings, tmp_path / "gpu.log", name="gpu", queues="gpu")
    quick = {"steps": 1, "step_seconds": 0}
    try:
        worker.wait_ready()
        default_job = submit_job(service_settings, session_factory, "selfcheck", quick)
        gpu_job = submit_job(service_settings, session_factory, "selfcheck", quick, queue="gpu")
        wait_for(lambda: status_of(session_factory, gpu_job).finished, 30, "the gpu job")
        time.sleep(1.0)
        assert status_of(session_factory, gpu_job) == JobStatus.succeeded
        assert status_of(session_factory, default_job) == JobStatus.queued
    finally:
        worker.stop()
