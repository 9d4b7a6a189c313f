"""Redis and PostgreSQL stopped and restarted under load: the web says what is unavailable
meanwhile, and afterwards every job, including one created during the outage, finishes once."""

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from foundation.db import create_session_factory
from tests.app.services import WorkerProcess, submit_job, wait_for
from tests.chaos.servers import (
    PostgresCluster,
    RedisServer,
    WebProcess,
    assert_each_succeeded_once,
    read_jobs,
    wait_all_finished,
)

pytestmark = [pytest.mark.chaos, pytest.mark.timeout(240)]
STEPS = {"steps": 6, "step_seconds": 0.5}


@contextmanager
def web_and_two_workers(
    settings: Settings, folder: Path
) -> Iterator[tuple[WebProcess, list[WorkerProcess]]]:
    """A web process and two ready worker processes, all stopped afterwards."""
    web = WebProcess(settings, folder / "web.log")
    web.start()
    workers = [WorkerProcess(settings, folder / f"w{i}.log", f"w{i}") for i in (0, 1)]
    try:
        for worker in workers:
            worker.wait_ready(60)
        yield web, workers
    finally:
        for worker in workers:
            worker.stop()
        web.stop()


def start_jobs(settings: Settings, factory: sessionmaker[Session], count: int) -> list[int]:
    """``count`` selfcheck jobs, returned once one of them is under way."""
    job_ids = [submit_job(settings, factory, "selfcheck", STEPS) for _ in range(count)]
    wait_for(lambda: any(j.progress > 0 for j in read_jobs(factory, job_ids)), 60, "progress")
    return job_ids


def assert_recovered(
    web: WebProcess,
    workers: list[WorkerProcess],
    factory: sessionmaker[Session],
    job_ids: list[int],
    settle_seconds: float,
) -> None:
    """/healthz back to 200, every job finished exactly once, every worker still alive."""
    wait_for(lambda: web.health()[0] == 200, 30, "/healthz to recover")
    wait_all_finished(factory, job_ids, 150)
    assert_each_succeeded_once(factory, job_ids, settle_seconds=settle_seconds + 2)
    assert all(worker.process.poll() is None for worker in workers)


@pytest.mark.chaos_smoke
def test_redis_killed_and_restarted_while_jobs_are_queued_and_running(
    chaos_settings: Settings, redis_server: RedisServer, tmp_path: Path, full_chaos: bool
) -> None:
    factory = create_session_factory(chaos_settings)
    with web_and_two_workers(chaos_settings, tmp_path) as (web, workers):
        job_ids = start_jobs(chaos_settings, factory, 6 if full_chaos else 3)
        redis_server.stop(signal.SIGKILL)

        status, body = web.health()
        assert (status, body["status"], body["database"], body["queue"]) == (
            503, "degraded", "ok", "unavailable",
        )  # fmt: skip
        assert "job queue (broker) is unreachable" in body["detail"]
        # A job created during the outage is kept in the database and sent later by a sweep.
        job_ids.append(submit_job(chaos_settings, factory, "selfcheck", STEPS))
        time.sleep(3)
        redis_server.start()

        settle = chaos_settings.broker_visibility_timeout + chaos_settings.sweep_interval_seconds
        assert_recovered(web, workers, factory, job_ids, settle)


def test_postgres_restarted_while_jobs_run(
    chaos_settings: Settings, postgres_cluster: PostgresCluster, tmp_path: Path
) -> None:
    factory = create_session_factory(chaos_settings)
    with web_and_two_workers(chaos_settings, tmp_path) as (web, workers):
        job_ids = start_jobs(chaos_settings, factory, 4)
        postgres_cluster.stop("immediate")  # as a crash: connections cut, recovery at start

        status, body = web.health()
        assert (status, body["status"], body["database"]) == (503, "unavailable", "unavailable")
        assert "database is unreachable" in body["detail"]
        assert httpx_status(f"{web.url}/api/v1/jobs/{job_ids[0]}") == 503
        time.sleep(3)
        postgres_cluster.start()

        settle = chaos_settings.job_stale_seconds + chaos_settings.sweep_interval_seconds
        assert_recovered(web, workers, factory, job_ids, settle)


def httpx_status(url: str) -> int:
    import httpx

    return httpx.get(url, timeout=10).status_code
