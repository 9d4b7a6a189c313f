"""Several worker processes on one queue: jobs spread over them, and a worker killed with SIGKILL
in the middle of a job loses nothing: the job is finished by another, exactly once."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from foundation.db import create_session_factory
from foundation.models import JobStatus
from tests.app.services import WorkerProcess, submit_job, wait_for
from tests.chaos.servers import assert_each_succeeded_once, read_jobs, wait_all_finished

pytestmark = [pytest.mark.chaos, pytest.mark.timeout(180)]
STEPS = {"steps": 4, "step_seconds": 0.5}


@contextmanager
def workers(settings: Settings, folder: Path, count: int) -> Iterator[list[WorkerProcess]]:
    started = [WorkerProcess(settings, folder / f"w{i}.log", name=f"w{i}") for i in range(count)]
    try:
        for worker in started:
            worker.wait_ready(60)
        yield started
    finally:
        for worker in started:
            worker.stop()


def submit(settings: Settings, factory: sessionmaker[Session], count: int) -> list[int]:
    return [submit_job(settings, factory, "selfcheck", STEPS) for _ in range(count)]


def test_jobs_spread_over_three_worker_processes(chaos_settings: Settings, tmp_path: Path) -> None:
    factory = create_session_factory(chaos_settings)
    with workers(chaos_settings, tmp_path, 3):
        job_ids = submit(chaos_settings, factory, 9)
        wait_all_finished(factory, job_ids, 90)
        jobs = assert_each_succeeded_once(factory, job_ids, settle_seconds=2)
    ran_on = {(job.worker or "").split("-")[0] for job in jobs}
    assert ran_on == {"w0", "w1", "w2"}
    assert {job.attempts for job in jobs} == {1}


@pytest.mark.chaos_smoke
def test_worker_killed_mid_job_is_finished_once_by_another(
    chaos_settings: Settings, tmp_path: Path, full_chaos: bool
) -> None:
    factory = create_session_factory(chaos_settings)
    with workers(chaos_settings, tmp_path, 2) as (first, second):
        job_ids = submit(chaos_settings, factory, 4 if full_chaos else 2)
        victim = wait_for(lambda: _running_with_progress(factory, job_ids), 60, "a job in progress")
        owner = first if victim.worker.startswith("w0") else second
        owner.kill()
        survivor = second if owner is first else first
        replacement = WorkerProcess(chaos_settings, tmp_path / "w2.log", name="w2")
        try:
            wait_all_finished(factory, job_ids, 120)
            settle = (
                chaos_settings.broker_visibility_timeout + chaos_settings.sweep_interval_seconds
            )
            jobs = assert_each_succeeded_once(factory, job_ids, settle_seconds=settle + 2)
        finally:
            replacement.stop()
        assert survivor.process.poll() is None
    retried = next(job for job in jobs if job.id == victim.id)
    assert retried.attempts == 2 and not retried.worker.startswith(victim.worker.split("-")[0])


def _running_with_progress(factory: sessionmaker[Session], job_ids: list[int]):  # type: ignore[no-untyped-def]
    running = [j for j in read_jobs(factory, job_ids) if j.status == JobStatus.running]
    return next((job for job in running if job.progress > 0), None)
