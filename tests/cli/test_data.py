"""``ventral data`` on this machine: import (the API's checks, then stored files and a job), list,
delete."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import cli
from foundation.config import Settings, get_settings
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


def write_files(folder: Path, member: str = "a.png", **attributes: str) -> dict[str, Path]:
    paths = {}
    for field, (name, data) in synthetic_brainio(folder, member, **attributes).items():
        paths[field] = folder / name
        paths[field].write_bytes(data)
    return paths


def import_arguments(files: dict[str, Path], *options: str) -> list[str]:
    return [
        "data", "import", "--assembly", str(files["assembly"]), "--stimuli", str(files["stimuli"]),
        "--images", str(files["images"]), *options, "--no-wait",
    ]  # fmt: skip


def test_data_import_stores_the_files_lists_and_deletes_them(
    cli_settings: Settings, tmp_path: Path
) -> None:
    # The identifiers come from the assembly's netCDF attributes when not given.
    assembly, stimulus_set = f"lab.{unique_name('local')}", unique_name("set")
    files = write_files(tmp_path, identifier=assembly, stimulus_set_identifier=stimulus_set)
    result = CliRunner().invoke(cli, import_arguments(files))
    assert result.exit_code == 0, result.output
    nc = f"assy_{assembly.replace('.', '_')}.nc"
    assert f"stored data/{nc}, data/stimulus_{stimulus_set}.csv" in result.output
    assert (cli_settings.storage_dir / "data" / nc).is_file()
    listed = CliRunner().invoke(cli, ["data", "list"])
    assert f"  {nc}" in listed.output and f"  stimulus_{stimulus_set}.zip" in listed.output
    deleted = CliRunner().invoke(cli, ["data", "delete", nc, "assy_never_stored.nc"])
    assert deleted.exit_code == 1
    assert (
        f"deleted: {nc}" in deleted.output and "not stored: assy_never_stored.nc" in deleted.output
    )
    assert not (cli_settings.storage_dir / "data" / nc).exists()


def test_data_import_refuses_a_zip_that_escapes(cli_settings: Settings, tmp_path: Path) -> None:
    files, stimulus_set = write_files(tmp_path, "../evil.png"), unique_name("set")
    arguments = import_arguments(
        files, "--identifier", unique_name("local"), "--stimulus-set-identifier", stimulus_set
    )
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 2
    assert "leave its folder" in result.output
    assert not (cli_settings.storage_dir / "data" / f"stimulus_{stimulus_set}.csv").exists()


def test_data_fetch_builds_and_installs_benchmark_files_in_storage(cli_settings: Settings) -> None:
    from foundation.runs.service import missing_data
    from foundation.storage import storage_from_settings

    storage = storage_from_settings(cli_settings)
    assert missing_data("Coggan2024.V1-rsa", storage)  # not in the repository, not stored yet
    first = CliRunner().invoke(cli, ["data", "fetch", "coggan2024"])
    assert first.exit_code == 0, first.output
    assert (cli_settings.data_dir / "coggan2024").is_dir()
    assert missing_data("Coggan2024.V1-rsa", storage) == []
    again = CliRunner().invoke(cli, ["data", "fetch", "coggan2024"])
    assert "0 benchmark files newly stored" in again.output, again.output
