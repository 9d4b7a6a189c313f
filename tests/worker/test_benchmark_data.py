"""Where score jobs find imported BrainIO files: the local storage folder as it is, or the files
a benchmark names downloaded from an object store (fsspec's in-memory store stands in for S3)."""

from __future__ import annotations

import uuid
from pathlib import Path

from foundation.storage import storage_from_settings
from scoring.benchmarks.base import REPO_DATA_DIR
from tests.app.services import make_settings
from worker.benchmark_data import benchmark_data_dirs

PRIVATE = ("assy_dicarlo_MajajHong2015_private.nc", "stimulus_hvm-private.csv")
PUBLIC = ("assy_dicarlo_MajajHong2015_public.nc",)
UNRELATED = ("assy_someone_else.nc",)


def settings_for(tmp_path: Path, storage_url: str = ""):
    urls = {"database_url": "sqlite://", "broker_url": "memory://"}
    return make_settings(
        tmp_path, **urls, storage_url=storage_url, scratch_dir=tmp_path / "scratch"
    )


def test_with_the_local_backend_built_then_imported_data_are_searched_after_the_repository(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path)
    dirs = benchmark_data_dirs(settings, storage_from_settings(settings), "MajajHong2015.IT-pls")
    assert dirs == (REPO_DATA_DIR, settings.var_dir / "data", settings.storage_dir / "data")


def test_from_an_object_store_only_the_files_of_the_benchmark_and_its_selection_are_fetched(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path, f"memory://ventral-data-{uuid.uuid4().hex}")
    storage = storage_from_settings(settings)
    for name in PRIVATE + PUBLIC + UNRELATED:
        storage.write(f"data/{name}", [name.encode()])
    repository, built, cached = benchmark_data_dirs(settings, storage, "MajajHong2015.IT-pls")
    assert (repository, built) == (REPO_DATA_DIR, settings.data_dir)
    assert cached == settings.scratch_dir / "objects" / "data"
    copies = [path.name for path in cached.iterdir() if not path.name.startswith(".")]
    assert sorted(copies) == sorted(PRIVATE + PUBLIC)
    assert (cached / PRIVATE[0]).read_bytes() == PRIVATE[0].encode()
