"""The ``ventral`` command line: the composition root that knows web, worker and library.

``serve`` and ``ventral worker`` start ``celery -A worker.celery_app worker`` as processes
(``worker.launch``): the worker's application and tasks are never imported here.
Command groups add themselves with ``register(cli)`` (``cli.data``, ``cli.submit``,
``cli.library``)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import typer
import uvicorn
from sqlalchemy.engine import make_url

from app.first_run.service import kick_off_on_fresh_install
from app.seed import run_seeders
from app.users import service as users
from cli import data as data_commands
from cli import submit as submission_commands
from cli.common import describe_job, follow_job, session_scope
from cli.library import register_library_commands
from foundation import migrations
from foundation.config import Settings, get_settings
from foundation.db import create_session_factory
from foundation.jobs import service as jobs
from foundation.jobs.dispatch import job_dispatcher
from foundation.jobs.payloads import SelfcheckPayload
from foundation.jobs.queues import DEFAULT_QUEUE, QUEUES_BY_PRIORITY, USER_QUEUES
from foundation.startup import install_job_hooks
from worker.launch import (
    parse_gpus,
    start_gpu_workers,
    start_worker_process,
    worker_command,
    worker_env,
)
from worker.sandbox.policy import sandbox_status

cli = typer.Typer(name="ventral", help="Ventral: score vision models against the primate brain.")
db_cli = typer.Typer(help="Database schema (Alembic migrations).")
user_cli = typer.Typer(help="User accounts.")
jobs_cli = typer.Typer(help="Jobs: inspect, self-check, sweep.")
cli.add_typer(db_cli, name="db")
cli.add_typer(user_cli, name="user")
cli.add_typer(jobs_cli, name="jobs")
register_library_commands(cli)
submission_commands.register(cli)
data_commands.register(cli)


def main() -> None:
    cli()


@cli.callback()
def _start() -> None:
    """Ventral: score vision models against the primate brain."""
    install_job_hooks()  # a command may end jobs (``jobs sweep``)


@cli.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    worker: bool = typer.Option(True, help="Also start the local Celery worker processes."),
    workers: int = typer.Option(1, min=1, help="Web server processes."),
) -> None:
    """Migrate, seed, and serve the web app (plus local workers) until interrupted."""
    settings = get_settings()
    prepare(settings)
    url = f"http://{host}:{port}"
    typer.echo(f"Ventral is starting on {url}  (health: {url}/healthz, API docs: {url}/docs)")
    worker_processes = start_local_workers() if worker else []
    # uvicorn re-raises SIGTERM after its graceful shutdown; turn it into an exception so the
    # `finally` below still stops the workers instead of leaving them orphaned.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        run_web(settings, host, port, workers)
    finally:
        stop_processes(worker_processes)


def start_local_workers() -> list[subprocess.Popen[bytes]]:
    """One worker for every queue, and one for user work alone: an upload's validation and
    scoring start at once even while the first worker trains a reference model."""
    return [
        start_worker_process(list(QUEUES_BY_PRIORITY), 1, name="all"),
        start_worker_process(list(USER_QUEUES), 1, name="user"),
    ]


@cli.command("worker")
def run_worker(
    queues: str = typer.Option(",".join(QUEUES_BY_PRIORITY), help="Comma-separated queues."),
    concurrency: int = typer.Option(1, min=1, help="Tasks run at once (one per GPU on gpu)."),
    gpus: str | None = typer.Option(None, help="One worker process per GPU, e.g. 0,1."),
) -> None:
    """Run a Celery worker for the given queues (replaces this process)."""
    command = worker_command(queues.split(","), concurrency)
    if gpus is not None:
        run_gpu_workers(command, gpus)
        return
    # fixed argv, no shell; signals reach celery
    os.execve(command[0], command, worker_env())  # noqa: S606


@cli.command("sandbox-check")
def sandbox_check() -> None:
    """Whether this host's worker can start the sandbox it demands (exit 1 if not): the
    workers' health check in docker-compose.yml."""
    status = sandbox_status(get_settings())
    typer.echo(status.detail, err=not status.ok)
    raise typer.Exit(0 if status.ok else 1)


@cli.command()
def seed() -> None:
    """Create the rows a fresh installation needs (the administrator, reference rows)."""
    seed_database(get_settings())


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    settings = get_settings()
    ensure_local_dirs(settings)
    migrations.upgrade(settings.database_url, revision)


@db_cli.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Undo migrations down to REVISION ("base" empties the database)."""
    migrations.downgrade(get_settings().database_url, revision)


@user_cli.command("create")
def user_create(
    email: str,
    admin: bool = typer.Option(False, "--admin", help="Give the user the administrator role."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Create a user (VENTRAL_... settings choose the database)."""
    settings = get_settings()
    try:
        with session_scope(settings) as session:
            user = users.create_user(session, email, password, admin=admin)
            typer.echo(f"created {user.role.value} {user.email} (id {user.id})")
    except users.UserExistsError as error:
        raise typer.BadParameter(str(error)) from None


@user_cli.command("password")
def user_password(
    email: str,
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Set a user's password; every signed-in session of theirs ends (API tokens stay)."""
    settings = get_settings()
    try:
        with session_scope(settings) as session:
            user = users.reset_password(session, email, password)
            typer.echo(f"password changed for {user.email}; their sessions have ended")
    except (LookupError, users.InvalidAccountError) as error:
        raise typer.BadParameter(str(error)) from None


@jobs_cli.command("selfcheck")
def jobs_selfcheck(
    steps: int = typer.Option(5, min=1, max=1000),
    step_seconds: float = typer.Option(0.5, min=0, max=60),
    fail_at_step: int | None = typer.Option(None, help="Fail on purpose at this step."),
    queue: str = DEFAULT_QUEUE,
    wait: bool = typer.Option(True, help="Follow the job with a progress bar until it ends."),
) -> None:
    """Send a diagnostic job through the real pipeline (web DB → broker → worker → DB)."""
    settings = get_settings()
    payload = SelfcheckPayload(steps=steps, step_seconds=step_seconds, fail_at_step=fail_at_step)
    with session_scope(settings) as session:
        job = jobs.create_job(session, payload, queue=queue)
    typer.echo(f"job {job.id} queued: {settings.base_url}/jobs/{job.id}")
    if wait:
        follow_job(settings, job.id)


@jobs_cli.command("show")
def jobs_show(job_id: int) -> None:
    """Print one job's status, progress, message and error."""
    settings = get_settings()
    with session_scope(settings) as session:
        try:
            job = jobs.read_job(session, job_id)
        except jobs.JobNotFoundError as error:
            raise typer.BadParameter(str(error)) from None
        typer.echo(describe_job(job))
        typer.echo(job.log_tail)


@jobs_cli.command("sweep")
def jobs_sweep() -> None:
    """Re-queue jobs whose worker died and re-send jobs that never reached the broker."""
    settings = get_settings()
    factory = create_session_factory(settings)
    report = jobs.sweep_jobs(factory, job_dispatcher(settings, factory), settings)
    typer.echo(
        f"re-queued {report.requeued_stale}, re-sent {report.resent}, gave up on {report.abandoned}"
        f", cancelled {report.cancelled}"
    )


def prepare(settings: Settings) -> None:
    """What ``serve`` does before serving: folders, migrations, seed rows."""
    ensure_local_dirs(settings)
    migrations.upgrade(settings.database_url)
    seed_database(settings)
    start_first_run(settings)


def start_first_run(settings: Settings) -> None:
    """On a fresh installation, queue the reference models' scoring and training."""
    with session_scope(settings) as session:
        plan = kick_off_on_fresh_install(session, settings)
    if plan is not None:
        typer.echo(
            f"First run: scoring {list(plan['score_jobs'])}, training {list(plan['train_jobs'])}"
        )


def seed_database(settings: Settings) -> None:
    with session_scope(settings) as session:
        admin = users.ensure_admin(session, settings.var_dir)
        run_seeders(session, settings)
    if admin is None:
        return
    if admin.password is not None:
        typer.echo(f"Generated an administrator: {admin.email} / password {admin.password}")
    typer.echo(f"Sign in as {admin.email}; the password is in {admin.credentials_file}")


def ensure_local_dirs(settings: Settings) -> None:
    """Create var/, the storage and scratch folders and the folders of SQLite files named in the
    URLs."""
    for folder in (settings.var_dir, settings.storage_dir, settings.scratch_dir):
        folder.mkdir(parents=True, exist_ok=True)
    for url in (settings.database_url, settings.broker_url.removeprefix("sqla+")):
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def run_web(settings: Settings, host: str, port: int, workers: int) -> None:
    if workers == 1:
        from app.main import create_app

        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_level="info",
            forwarded_allow_ips=settings.trusted_proxies,
        )
        return
    # Several processes: each builds its app from the same environment.
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        forwarded_allow_ips=settings.trusted_proxies,
    )


def run_gpu_workers(command: list[str], gpus: str) -> None:
    try:
        processes = start_gpu_workers(command, parse_gpus(gpus))
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        for process in processes:
            process.wait()
    finally:
        stop_processes(processes)


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def stop_processes(processes: list[subprocess.Popen[bytes]], grace_seconds: float = 15) -> None:
    """Ask every worker to stop at once, give them ``grace_seconds`` together to finish their
    task, then kill what is left. A second SIGTERM or Ctrl-C while they stop is ignored: it
    would otherwise abort this loop and leave the remaining workers orphaned."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + grace_seconds
    for process in running:
        try:
            process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    main()
