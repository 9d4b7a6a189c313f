"""A small Ventral cluster on loopback for the benchmarks: a Redis server of its own, a scratch
PostgreSQL database (dropped afterwards), N ``celery worker`` processes and a web server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bench.leaderboard_load import free_port, scratch_database
from bench.worker_app import BenchCpuPayload
from foundation import migrations
from foundation.config import Settings
from foundation.db import create_session_factory
from foundation.jobs.dispatch import unit_of_work_sending_jobs
from foundation.jobs.payloads import JobPayload, SelfcheckPayload
from foundation.jobs.service import create_job
from foundation.models import Job

BENCH_PAYLOADS: dict[str, type[JobPayload]] = {
    "bench_cpu": BenchCpuPayload,
    "selfcheck": SelfcheckPayload,
}

REPO_ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def redis_server() -> Iterator[str]:
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--daemonize", "no"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        _wait(lambda: _pings(port), 10)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def _pings(port: int) -> bool:
    try:
        return bool(redis.Redis(port=port, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@contextmanager
def cluster_settings() -> Iterator[Settings]:
    """Settings on a fresh migrated database and a private Redis; files in a temporary folder."""
    with (
        redis_server() as broker,
        scratch_database() as database,
        tempfile.TemporaryDirectory() as tmp,
    ):
        migrations.upgrade(database)
        yield Settings(_env_file=None, environment="test", secret_key=uuid.uuid4().hex,  # type: ignore[call-arg]
                       database_url=database, broker_url=broker, var_dir=Path(tmp) / "var",
                       storage_dir=Path(tmp) / "storage")  # fmt: skip


def environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENTRAL_")}
    for name, value in settings.model_dump(mode="json").items():
        env[f"VENTRAL_{name.upper()}"] = str(value)
    env.update(PYTHONPATH=str(REPO_ROOT), OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return env


@contextmanager
def workers(
    settings: Settings, count: int, app: str = "bench.worker_app", queues: str = "default"
) -> Iterator[None]:
    """``count`` worker processes (concurrency 1 each, as one per core or GPU in production)."""
    logs = [
        tempfile.NamedTemporaryFile(prefix="ventral-bench-worker-", suffix=".log")  # noqa: SIM115
        for _ in range(count)
    ]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", app, "worker", "--queues", queues,
             "--concurrency", "1", "--hostname", f"bench{i}-{uuid.uuid4().hex[:6]}@%h",
             "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel", "INFO"],
            cwd=REPO_ROOT, env=environment(settings), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for i, log in enumerate(logs)
    ]  # fmt: skip
    try:
        for log in logs:
            _wait(lambda log=log: b" ready." in Path(log.name).read_bytes(), 120)
        yield
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(30)
        for log in logs:
            log.close()


def submit(
    settings: Settings, factory: sessionmaker[Session], kind: str, payloads: list[dict[str, Any]]
) -> list[int]:
    with unit_of_work_sending_jobs(factory, settings) as session:
        model = BENCH_PAYLOADS[kind]
        return [create_job(session, model.model_validate(payload)).id for payload in payloads]


def wait_finished(factory: sessionmaker[Session], job_ids: list[int], timeout: float) -> list[Job]:
    def finished() -> list[Job] | None:
        with factory() as session:
            jobs = list(session.scalars(sa.select(Job).where(Job.id.in_(job_ids))))
        return jobs if all(job.status.finished for job in jobs) else None

    return _wait(finished, timeout, poll=0.05)


def session_factory(settings: Settings) -> sessionmaker[Session]:
    return create_session_factory(settings)


def _wait(condition: Callable[[], Any], timeout: float, poll: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    raise TimeoutError(f"gave up after {timeout} s")
