"""Jobs go to the queue they name: a worker on `gpu` runs gpu jobs and leaves default ones."""

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from foundation.models import Job, JobStatus
from tests.app.services import WorkerProcess, submit_job
from tests.live import holds_for, wait_for


def read_job(factory: sessionmaker[Session], job_id: int) -> Job:
    with factory() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def test_gpu_worker_takes_only_gpu_jobs(
    service_settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    worker = WorkerProcess(service_settings, tmp_path / "gpu.log", name="gpu", queues="gpu")
    quick = {"steps": 1, "step_seconds": 0}
    try:
        worker.wait_ready()
        default_job = submit_job(service_settings, session_factory, "selfcheck", quick)
        gpu_job = submit_job(service_settings, session_factory, "selfcheck", quick, queue="gpu")
        wait_for(lambda: read_job(session_factory, gpu_job).status.finished, 30, "the gpu job")
        assert read_job(session_factory, gpu_job).status == JobStatus.succeeded

        def never_claimed() -> bool:
            job = read_job(session_factory, default_job)
            return (job.status, job.attempts, job.worker) == (JobStatus.queued, 0, None)

        holds_for(never_claimed, 1.0, "the default job staying unclaimed")
    finally:
        worker.stop()
