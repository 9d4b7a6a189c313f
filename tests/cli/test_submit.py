"""``ventral submit`` against a live server: an accepted upload, and a pickle refused."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import cli
from foundation.config import Settings
from tests.app.submissions.conftest import RESNET20, NewToken, unique_name
from tests.app.submissions.live import live_server


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
