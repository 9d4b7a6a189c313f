"""A worker killed mid-task (SIGKILL, the whole process group): the job is delivered again to a
new worker and completes exactly once."""

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


def test_killed_worker_job_is_delivered_again_and_finishes_once(
    service_settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    first = WorkerProcess(service_settings, tmp_path / "first.log", name="first")
    first.wait_ready()
    payload = {"steps": 6, "step_seconds": 0.5}
    job_id = submit_job(service_settings, session_factory, "selfcheck", payload)
    wait_for(lambda: read_job(session_factory, job_id).progress > 0, 30, "first progress")
    first.kill()
    killed = read_job(session_factory, job_id)
    assert killed.status == JobStatus.running and killed.attempts == 1

    second = WorkerProcess(service_settings, tmp_path / "second.log", name="second")
    try:
        done = wait_for(lambda: _finished(session_factory, job_id), 60, "the job to finish")
        assert done.status == JobStatus.succeeded
        assert done.attempts == 2
        assert (done.worker or "").startswith("second-")

        # Through every duplicate's arrival (visibility timeout, sweeps), nothing runs it again.
        def unchanged() -> bool:
            after = read_job(session_factory, job_id)
            finished = (after.status, after.attempts, after.finished_at)
            return finished == (JobStatus.succeeded, 2, done.finished_at)

        holds_for(unchanged, service_settings.broker_visibility_timeout + 3, "the finished job")
        assert read_job(session_factory, job_id).log_tail.count("step 6/6 ok") == 1
    finally:
        second.stop()


def _finished(factory: sessionmaker[Session], job_id: int) -> Job | None:
    job = read_job(factory, job_id)
    return job if job.status.finished else None
