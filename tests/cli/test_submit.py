"""``ventral submit`` against a live server: an accepted upload, and a pickle refused."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from cli.main import cli
from foundation.config import Settings
from foundation.models import Job, JobStatus, Model
from tests.app.services import WorkerProcess
from tests.app.submissions.conftest import (
    RESNET20,
    NewToken,
    start_from_an_idle_queue,
    unique_name,
)
from tests.app.submissions.live import live_server
from tests.live import wait_for


@pytest.fixture(scope="module")
def server(service_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(service_settings, tmp_path_factory.mktemp("web") / "web.log") as url:
        yield url


def test_submit_command_uploads_and_prints_the_job(server: str, new_token: NewToken) -> None:
    arguments = [
        "submit", str(RESNET20), "--name", unique_name(), "--arch", "resnet20_cifar10",
        "--private", "--url", server, "--token", new_token(), "--no-wait",
    ]  # fmt: skip
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    assert "accepted; validation job" in result.output


def test_submit_command_reports_a_refused_pickle(
    server: str, new_token: NewToken, tmp_path: Path
) -> None:
    path = tmp_path / "model.pth"
    path.write_bytes(pickle.dumps({"weights": [1, 2, 3]}))
    arguments = [
        "submit", str(path), "--name", unique_name(), "--arch", "resnet20_cifar10",
        "--url", server, "--token", new_token(), "--no-wait",
    ]  # fmt: skip
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 1
    assert "refused (415)" in result.output
    assert "ventral convert" in result.output


def test_submit_wait_follows_validation_then_scoring_to_the_end(
    server: str,
    new_token: NewToken,
    service_settings: Settings,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    """Validation runs on a real worker; the score jobs it queues are ended by the test (as a
    scoring worker would, only faster): the command follows both stages, then exits."""
    start_from_an_idle_queue(service_settings, session_factory)
    worker = WorkerProcess(service_settings, tmp_path / "worker.log", queues="user")
    name = unique_name()
    arguments = [
        "submit", str(RESNET20), "--name", name, "--arch", "resnet20_cifar10",
        "--private", "--url", server, "--token", new_token(), "--wait",
    ]  # fmt: skip
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            running = pool.submit(CliRunner().invoke, cli, arguments)
            score_jobs = wait_for(lambda: queued_score_jobs(session_factory, name), 120, "scoring")
            with session_factory.begin() as session:
                session.execute(
                    sa.update(Job)
                    .where(Job.id.in_(score_jobs))
                    .values(status=JobStatus.cancelled, message="cancelled")
                )
            result = running.result(timeout=60)
    finally:
        worker.stop()
    assert result.exit_code == 0, result.output
    assert "validation job" in result.output and "succeeded" in result.output
    assert "scoring" in result.output
    assert f"scoring done: 0 of {len(score_jobs)} score jobs succeeded" in result.output


def queued_score_jobs(factory: sessionmaker[Session], model: str) -> list[int]:
    with factory() as session:
        return list(
            session.scalars(
                sa.select(Job.id)
                .join(Model, Model.id == Job.model_id)
                .where(Model.name == model, Job.kind == "score")
            )
        )
