"""``ventral data import`` on this machine: the API's checks, then an installed folder and a job."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.core.config import Settings, get_settings
from tests.app.admin.test_admin import synthetic_brainio
from tests.app.services import settings_env
from tests.app.submissions.conftest import unique_name


@pytest.fixture
def cli_settings(service_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    for name, value in settings_env(service_settings).items():
        if name.startswith("VENTRAL_"):
            monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def write_files(folder: Path, member: str = "a.png") -> dict[str, Path]:
    paths = {}
    for field, (name, data) in synthetic_brainio(folder, member).items():
        paths[field] = folder / name
        paths[field].write_bytes(data)
    return paths


def test_data_import_installs_the_files_and_queues_a_job(
    cli_settings: Settings, tmp_path: Path
) -> None:
    files, identifier = write_files(tmp_path), unique_name("local")
    arguments = [
        "data", "import", "--assembly", str(files["assembly"]), "--stimuli", str(files["stimuli"]),
        "--images", str(files["images"]), "--identifier", identifier, "--no-wait",
    ]  # fmt: skip
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    assert f"installed {identifier}; import job" in result.output
    assert (cli_settings.storage_dir / "data" / identifier / f"assy_{identifier}.nc").is_file()


def test_data_import_refuses_a_zip_that_escapes(cli_settings: Settings, tmp_path: Path) -> None:
    files, identifier = write_files(tmp_path, "../evil.png"), unique_name("local")
    arguments = [
        "data", "import", "--assembly", str(files["assembly"]), "--stimuli", str(files["stimuli"]),
        "--images", str(files["images"]), "--identifier", identifier, "--no-wait",
    ]  # fmt: skip
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 2
    assert "leave its folder" in result.output
    assert not (cli_settings.storage_dir / "data" / identifier).exists()
