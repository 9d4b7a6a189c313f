"""Real services for the tests: a PostgreSQL database and a Redis DB number per test session
(and per xdist worker), built by ``alembic upgrade head``, and real Celery worker processes.

Imported by the conftests of tests/app, tests/worker and tests/e2e.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from foundation import migrations
from foundation.config import Settings
from foundation.db import QueuedJob, create_session_factory, enqueue_after_commit
from foundation.jobs.dispatch import unit_of_work_sending_jobs
from foundation.jobs.payloads import parse_payload
from foundation.jobs.queues import QUEUES_BY_PRIORITY
from foundation.jobs.service import create_job
from foundation.models import Job
from foundation.storage import Storage
from foundation.storage.local import LocalStorage
from tests.live import wait_for

REPO_ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get(
    "VENTRAL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("VENTRAL_TEST_REDIS_URL", "redis://127.0.0.1:6379")

# Short timings so that a dead worker is noticed within seconds, not hours.
ALL_QUEUES = ",".join(QUEUES_BY_PRIORITY)
FAST_JOB_TIMINGS = {
    "job_heartbeat_seconds": 0.5,
    "job_stale_seconds": 3.0,
    "broker_visibility_timeout": 4,
    "sweep_interval_seconds": 2.0,
    "job_unsent_grace_seconds": 2.0,
}


def _admin_connection() -> psycopg.Connection[Any]:
    url = make_url(POSTGRES_URL).set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def _session_tag() -> str:
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"


@contextmanager
def temporary_postgres_database(prefix: str = "ventral_test") -> Iterator[str]:
    """An empty PostgreSQL database, dropped afterwards; yields its URL."""
    name = f"{prefix}_{_session_tag()}"
    with _admin_connection() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin_connection() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, built by the migrations."""
    with temporary_postgres_database() as url:
        migrations.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis DB number of its own, reserved with a lock key so parallel sessions never share."""
    lock = redis.Redis.from_url(f"{REDIS_URL}/0")
    token = uuid.uuid4().hex
    for number in range(1, 16):
        key = f"ventral-test-lock:{number}"
        if lock.set(key, token, nx=True, ex=3600):
            break
    else:
        pytest.fail("no free Redis DB number (1–15) for this test session")
    url = f"{REDIS_URL}/{number}"
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()
    if lock.get(key) == token.encode():
        lock.delete(key)


def make_settings(tmp: Path, database_url: str, broker_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "secret_key": uuid.uuid4().hex,
        "database_url": database_url,
        "broker_url": broker_url,
        "var_dir": tmp / "var",
        "storage_dir": tmp / "storage",
        **FAST_JOB_TIMINGS,
        # Every test client is one address ("testclient"): the per-address limits are tested
        # with their own low values (tests/app/auth/test_sessions_and_limits.py).
        "signup_rate_limit": "100000/hour",
        "upload_rate_limit": "100000/hour",
        # Off unless a test asks: a warmer thread per test app would cost CPU on every write
        # (tests/app/leaderboard/test_cache.py tests it).
        "leaderboard_warm_seconds": 0,
        # The shared test database holds other tests' user jobs; the test of yielding turns
        # this on with a database of its own making.
        "training_yields_to_user_work": False,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a subprocess exactly these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENTRAL_")}
    for name, value in settings.model_dump(mode="json").items():
        env[f"VENTRAL_{name.upper()}"] = str(value)
    env["PYTHONPATH"] = str(REPO_ROOT)
    return env


@pytest.fixture(scope="session")
def service_settings(
    tmp_path_factory: pytest.TempPathFactory, postgres_url: str, redis_url: str
) -> Settings:
    return make_settings(tmp_path_factory.mktemp("ventral"), postgres_url, redis_url)


@pytest.fixture(scope="session")
def session_factory(service_settings: Settings) -> sessionmaker[Session]:
    return create_session_factory(service_settings)


@pytest.fixture(scope="session")
def client(service_settings: Settings) -> Iterator[TestClient]:
    """The web app in this process on the session's services; server errors come back as 500s."""
    with TestClient(create_app(service_settings), raise_server_exceptions=False) as test_client:
        yield test_client


class WorkerProcess:
    """A real ``celery worker`` in its own process group (so a test can SIGKILL all of it)."""

    def __init__(
        self,
        settings: Settings,
        log_path: Path,
        name: str = "w",
        queues: str = ALL_QUEUES,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        command = [
            sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker",
            "--queues", queues, "--concurrency", "1", "--loglevel", "INFO",
            "--hostname", f"{name}-{uuid.uuid4().hex[:6]}@%h", "--without-mingle",
            "--without-gossip", "--without-heartbeat",
        ]  # fmt: skip
        self.log_path = log_path
        self._log = log_path.open("ab")
        env = settings_env(settings) | (extra_env or {})
        self.process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 30) -> None:
        wait_for(lambda: b" ready." in self.log_path.read_bytes(), timeout, "worker ready")

    def kill(self) -> None:
        """SIGKILL the worker and its pool children, as a crashed machine would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


def submit_job(
    settings: Settings,
    factory: sessionmaker[Session],
    kind: str,
    payload: dict[str, Any],
    queue: str = "default",
) -> int:
    """Create a job the way a request does: commit the row, then send its task."""
    with unit_of_work_sending_jobs(factory, settings) as session:
        job: Job = create_job(session, parse_payload(kind, payload), queue=queue)
    return job.id


def submit_unchecked_job(
    settings: Settings,
    factory: sessionmaker[Session],
    kind: str,
    payload: dict[str, Any],
    queue: str = "default",
) -> int:
    """Send a job row that ``create_job`` would refuse (an unknown kind, a payload that does not
    fit), as an old or hand-edited row would be: the worker must fail it readably."""
    with unit_of_work_sending_jobs(factory, settings) as session:
        job = Job(kind=kind, payload=payload, queue=queue)
        session.add(job)
        session.flush()
        enqueue_after_commit(session, QueuedJob(job.id, job.queue))
    return job.id


def without_imported_data() -> Storage:
    """A storage that holds no imported benchmark data (nothing ever writes there): benchmarks
    then count only the repository's own data files."""
    return LocalStorage(Path(tempfile.gettempdir()) / "ventral-no-imported-data")
