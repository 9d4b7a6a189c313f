"""Throwaway servers for the fault tests: Redis and a PostgreSQL cluster of their own on free
loopback ports, a web process, and the checks every fault test makes on the job table."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import psycopg
import redis
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from foundation import migrations
from foundation.config import Settings
from foundation.models import Job, JobStatus
from tests.app.services import REPO_ROOT, settings_env
from tests.live import free_port, holds_for, wait_for

PG_BIN = Path("/usr/lib/postgresql/15/bin")

LEDGER_SQL = """
CREATE TABLE chaos_completions (
    job_id integer NOT NULL, status text NOT NULL, attempts integer NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE FUNCTION chaos_record_completion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chaos_completions (job_id, status, attempts)
    VALUES (NEW.id, NEW.status, NEW.attempts);
    RETURN NEW;
END $$;
CREATE TRIGGER chaos_completion AFTER UPDATE ON jobs FOR EACH ROW
    WHEN (NEW.status IN ('succeeded', 'failed', 'cancelled')
          AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION chaos_record_completion();
"""


class RedisServer:
    """``redis-server`` with an append-only file (as in production), stoppable and restartable."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--dir",
            str(self.folder),
            "--daemonize",
            "no",
        ]
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_for(self._answers, 10, f"redis on port {self.port}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(15)

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False


class PostgresCluster:
    """A PostgreSQL cluster of its own (``initdb`` as the postgres user), trust auth on loopback."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        shutil.chown(folder, "postgres")
        self._as_postgres(
            PG_BIN / "initdb",
            "-D",
            self.data,
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            PG_BIN / "pg_ctl",
            "-D",
            self.data,
            "-o",
            options,
            "-l",
            self.folder / "postgres.log",
            "-w",
            "-t",
            "30",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres", autocommit=True
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        migrations.upgrade(self.url(name))
        return self.url(name)

    @staticmethod
    def _as_postgres(*command: str | Path) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, command)],
            check=True,
            capture_output=True,
            timeout=60,
        )


def install_completion_ledger(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(LEDGER_SQL)
    engine.dispose()


WEB_PARTS = ("database", "queue", "storage")
WEB_PARTS_OK = dict.fromkeys(WEB_PARTS, "ok")


class WebProcess:
    """``uvicorn app.main:create_app`` in a process group of its own, on a free port."""

    def __init__(self, settings: Settings, log_path: Path, workers: int = 1) -> None:
        self.settings = settings
        self.log_path = log_path
        self.port = free_port()
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=settings_env(self.settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._answers, 60, "the web process to answer")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def health(self) -> tuple[int, dict[str, Any]]:
        response = httpx.get(f"{self.url}/healthz", timeout=10)
        return response.status_code, response.json()

    def own_parts(self) -> dict[str, str]:
        """The parts of /healthz that the web itself needs (several chaos tests run no worker,
        so the whole answer is 503 "no worker answering" there)."""
        body = self.health()[1]
        return {part: body[part] for part in WEB_PARTS}

    def _answers(self) -> bool:
        try:
            httpx.get(f"{self.url}/healthz", timeout=5)
        except httpx.HTTPError:
            return False
        return True


def read_jobs(factory: sessionmaker[Session], job_ids: list[int]) -> list[Job]:
    with factory() as session:
        return list(session.scalars(sa.select(Job).where(Job.id.in_(job_ids)).order_by(Job.id)))


def completions(factory: sessionmaker[Session]) -> list[tuple[int, str, int]]:
    with factory() as session:
        rows = session.execute(
            sa.text("SELECT job_id, status, attempts FROM chaos_completions ORDER BY job_id, at")
        )
        return [(row[0], row[1], row[2]) for row in rows]


def wait_all_finished(factory: sessionmaker[Session], job_ids: list[int], timeout: float) -> None:
    def finished() -> bool:
        try:
            return all(job.status.finished for job in read_jobs(factory, job_ids))
        except sa.exc.OperationalError:
            return False

    wait_for(finished, timeout, f"jobs {job_ids} to finish")


def assert_each_succeeded_once(
    factory: sessionmaker[Session], job_ids: list[int], settle_seconds: float
) -> list[Job]:
    """Every job succeeded; after every redelivery and sweep had time to happen, each job was
    completed exactly once (the trigger's ledger) and its row did not change again."""
    jobs = read_jobs(factory, job_ids)
    assert [(j.id, j.status, j.error) for j in jobs] == [
        (i, JobStatus.succeeded, None) for i in job_ids
    ]
    finished = [(j.finished_at, j.attempts) for j in jobs]
    ledger = [(j.id, "succeeded", j.attempts) for j in jobs]

    def settled() -> bool:
        now = [(j.finished_at, j.attempts) for j in read_jobs(factory, job_ids)]
        return now == finished and completions(factory) == ledger

    try:
        holds_for(settled, settle_seconds, "each job finished once, its row unchanged")
    except AssertionError as broken:
        now = [(j.id, j.finished_at, j.attempts) for j in read_jobs(factory, job_ids)]
        raise AssertionError(f"{broken}: rows {now}, ledger {completions(factory)}") from None
    after = read_jobs(factory, job_ids)
    print("job (attempts, worker):", ", ".join(f"{j.id} ({j.attempts}, {j.worker})" for j in after))
    return after
