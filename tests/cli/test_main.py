"""The ``ventral`` command on the embedded default: SQLite files and the SQLite broker, no Redis,
no PostgreSQL; real processes as `make run` starts them."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import Result
from typer.testing import CliRunner

from cli.main import cli
from foundation.config import get_settings
from tests.live import free_port, process_group_gone, wait_for
from worker.heartbeat import sandbox_label
from worker.launch import ALLOCATOR_ENV, worker_env
from worker.sandbox import sandbox_status

REPO_ROOT = Path(__file__).resolve().parents[2]


def embedded_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENTRAL_")}
    return {**env, "PYTHONPATH": str(REPO_ROOT), "VENTRAL_SWEEP_INTERVAL_SECONDS": "2"}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty folder to run in: the embedded default keeps everything under ./var."""
    return tmp_path


Served = tuple[str, subprocess.Popen[str], Path]


@pytest.fixture
def start_serve(home: Path) -> Iterator[Callable[[], Served]]:
    """Starts ``ventral serve`` in ``home`` on a free port; kills what is left at teardown."""
    processes: list[subprocess.Popen[str]] = []

    def start() -> Served:
        port = free_port()
        log = home / "serve.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
                cwd=home, env=embedded_env(), stdout=out, stderr=subprocess.STDOUT,
                text=True, start_new_session=True,
            )  # fmt: skip
        processes.append(process)
        return f"http://127.0.0.1:{port}", process, log

    yield start
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_healthy(url: str, process: subprocess.Popen[str], log: Path) -> dict[str, str]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            return httpx.get(f"{url}/healthz", timeout=2).json()
        except httpx.HTTPError:
            time.sleep(0.3)
    raise AssertionError(f"ventral serve never became healthy:\n{log.read_text()}")


@pytest.fixture
def run_cli(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Result]]:
    """Runs ``ventral`` in this process (quick) with the embedded default under ``home``."""
    monkeypatch.chdir(home)
    for name in [name for name in os.environ if name.startswith("VENTRAL_")]:
        monkeypatch.delenv(name)
    get_settings.cache_clear()

    def run(*args: str) -> Result:
        get_settings.cache_clear()
        return CliRunner().invoke(cli, list(args))

    yield run
    get_settings.cache_clear()


def test_serve_runs_jobs_end_to_end_without_servers(
    home: Path, start_serve: Callable[[], Served], run_cli: Callable[..., Result]
) -> None:
    assert run_cli("db", "upgrade").exit_code == 0
    queued = run_cli("jobs", "selfcheck", "--steps", "2", "--step-seconds", "0", "--no-wait")
    assert "job 1 queued" in queued.stdout, queued.output

    url, process, log = start_serve()
    wait_healthy(url, process, log)
    # Both embedded workers take uploads and say which sandbox they run (SQLite database).
    mode = sandbox_label(sandbox_status(get_settings()))
    assert wait_for(lambda: httpx.get(f"{url}/healthz").json()["live_workers"] == 2, 60, "workers")
    assert httpx.get(f"{url}/healthz").json() == {
        "status": "ok", "database": "ok", "queue": "ok", "storage": "ok",
        "workers": "ok", "live_workers": 2, "sandbox": {mode: 2},
    }  # fmt: skip
    second = run_cli("jobs", "selfcheck", "--steps", "3", "--step-seconds", "0.2")
    assert second.exit_code == 0, second.output
    assert "job 2 (selfcheck): succeeded" in second.stdout

    # The job queued before any worker existed survived in the SQLite broker and ran too.
    assert httpx.get(f"{url}/api/v1/jobs/1").json()["status"] == "succeeded"
    assert httpx.get(f"{url}/api/v1/jobs/2").json()["log_tail"].count("ok") == 3
    # `serve` seeded the published results: the paper's composite ranks CORnet-S first.
    assert "CORnet-S" in httpx.get(f"{url}/?preset=paper-2019").text
    output = log.read_text()
    assert f"Ventral is starting on {url}" in output
    assert "Sign in as admin@localhost" in output

    failed = run_cli(
        "jobs", "selfcheck", "--steps", "2", "--step-seconds", "0", "--fail-at-step", "2"
    )
    assert failed.exit_code == 1
    assert "error: self-check failed at step 2 of 2, as requested" in failed.stdout

    os.kill(process.pid, signal.SIGTERM)
    assert process.wait(30) is not None
    # The embedded worker goes down with it; an orphaned worker would outlive any deadline.
    wait_for(lambda: process_group_gone(process.pid), 10, "the embedded worker to exit")


def test_a_second_sigterm_while_workers_stop_leaves_no_worker_behind(
    start_serve: Callable[[], Served], run_cli: Callable[..., Result]
) -> None:
    """Stopping ``serve`` twice (a second Ctrl-C, a supervisor's repeated TERM) while a worker
    finishes its job used to abort the shutdown loop and orphan the other worker."""
    assert run_cli("db", "upgrade").exit_code == 0
    url, process, log = start_serve()
    wait_healthy(url, process, log)
    queued = run_cli("jobs", "selfcheck", "--steps", "60", "--step-seconds", "0.25", "--no-wait")
    assert queued.exit_code == 0, queued.output
    wait_for(
        lambda: httpx.get(f"{url}/api/v1/jobs/1").json()["status"] == "running",
        60,
        "the self-check to run",
    )
    os.kill(process.pid, signal.SIGTERM)
    time.sleep(1.5)  # the web server is down; the busy worker is finishing its job
    os.kill(process.pid, signal.SIGTERM)
    assert process.wait(40) is not None
    wait_for(lambda: process_group_gone(process.pid), 10, "both embedded workers to exit")


def test_user_create_admin(run_cli: Callable[..., Result]) -> None:
    assert run_cli("db", "upgrade").exit_code == 0
    created = run_cli("user", "create", "Ada@Example.org", "--admin", "--password", "pw1")
    assert created.stdout.startswith("created admin ada@example.org"), created.output
    again = run_cli("user", "create", "ada@example.org", "--password", "pw2")
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_seed_generates_the_admin_once(run_cli: Callable[..., Result], home: Path) -> None:
    assert run_cli("db", "upgrade").exit_code == 0
    first = run_cli("seed")
    assert "Generated an administrator: admin@localhost / password " in first.stdout
    password = first.stdout.split("password ")[1].split()[0]
    assert f"password: {password}" in (home / "var" / "initial-admin.txt").read_text()
    second = run_cli("seed")
    assert "Generated" not in second.stdout
    assert "Sign in as admin@localhost" in second.stdout


def test_worker_replaces_itself_by_celery_with_the_allocator_settings(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[tuple[str, list[str], dict[str, str]]] = []
    monkeypatch.setattr(
        "cli.main.os.execve", lambda path, argv, env: started.append((path, argv, env))
    )
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert run_cli("worker", "--queues", "default").exit_code == 0
    [(path, argv, env)] = started
    assert argv[:4] == [path, "-m", "celery", "-A"] and "default" in argv
    assert env == worker_env(os.environ) and env["PATH"] == "/usr/bin:/bin"
    assert ALLOCATOR_ENV.items() <= env.items()
