"""Imported data make a benchmark scorable, end to end, in a storage folder and in an object
store (moto's S3 server on loopback): an administrator imports MajajHong2015 files under their
real identifiers → the import job loads them in a real worker → the catalogue shows the
benchmark's data installed → a score job finds the files in storage.

The files are SYNTHETIC (HvM-shaped responses to noise images: the real recordings cannot be
shipped), so the score job must fail on the published SHA1s, which is what the real benchmark does
with anything but the real files; before this worked it was skipped as "data not installed".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.admin.dataimport import delete_data
from app.main import create_app
from app.reference_models.service import reference_model
from foundation.config import Settings
from foundation.db import unit_of_work
from foundation.models import Job
from foundation.runs import repository
from foundation.storage import storage_from_settings
from tests.app.services import WorkerProcess, wait_for
from tests.app.submissions.conftest import (
    NewToken,
    bearer,
    new_token,
    start_from_an_idle_queue,
    unique_name,
)
from tests.foundation.storage.s3 import BACKENDS, s3_server, settings_on_backend
from tests.scoring.benchmarks.conftest import hvm_like_data, hvm_like_metadata

__all__ = ["hvm_like_data", "hvm_like_metadata", "new_token", "s3_server"]

BENCHMARK = "MajajHong2015.IT-pls"
BUCKET = "ventral-data-import"
FILES = {
    "assembly": "assy_dicarlo_MajajHong2015_private.nc",
    "stimuli": "stimulus_hvm-private.csv",
    "images": "stimulus_hvm-private.zip",
}


@pytest.fixture(params=BACKENDS)
def settings(
    request: pytest.FixtureRequest,
    service_settings: Settings,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
) -> Iterator[Settings]:
    """The test database and queue, with storage of its own (a folder, or a bucket prefix of an
    S3 server on loopback): the real MajajHong2015 file names must not stay where other tests
    look for them."""
    own = settings_on_backend(request, service_settings, tmp_path, BUCKET)
    yield own
    with unit_of_work(session_factory, lambda jobs: None) as session:
        delete_data(session, storage_from_settings(own), list(FILES.values()))


def finished(factory: sessionmaker[Session], job_id: int, timeout: float) -> Job:
    def done() -> Job | None:
        with factory() as session:
            job = session.get(Job, job_id)
            return job if job is not None and job.status.finished else None

    return wait_for(done, timeout, f"job {job_id}")


def test_imported_majajhong2015_files_are_found_by_the_catalogue_and_the_score_job(
    settings: Settings,
    session_factory: sessionmaker[Session],
    new_token: NewToken,
    hvm_like_data: tuple[Path, object],
    tmp_path: Path,
) -> None:
    folder, _ = hvm_like_data
    files = {field: (name, (folder / name).read_bytes()) for field, name in FILES.items()}
    start_from_an_idle_queue(settings, session_factory)
    worker = WorkerProcess(settings, tmp_path / "worker.log")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        try:
            worker.wait_ready(60)
            admin = bearer(new_token(admin=True))
            # No stimulus_set_identifier: the assembly's netCDF attribute names hvm-private.
            form = {"identifier": "dicarlo.MajajHong2015.private"}
            response = client.post(
                "/api/v1/admin/data/import", data=form, files=files, headers=admin
            )
            assert response.status_code == 202, response.text
            imported = finished(session_factory, response.json()["id"], 60)
            assert imported.error is None, (imported.error, worker.log_path.read_text()[-3000:])
            assert BENCHMARK in imported.result["benchmarks_installed"]
            assert imported.result["stimulus_set_identifier"] == "hvm-private"

            benchmark = client.get(f"/api/v1/benchmarks/{BENCHMARK}").json()
            assert benchmark["data_installed"] is True

            name = unique_name("cornet-z")
            with unit_of_work(session_factory, lambda jobs: None) as session:
                repository.add(session, reference_model(session, name, "cornet_z"))
            body = {"benchmarks": [BENCHMARK], "parametrization": "test"}
            run = client.post(f"/api/v1/admin/models/{name}/score", json=body, headers=admin)
            assert run.status_code == 202, run.text
            assert run.json()["skipped"] == {}
            [job_id] = run.json()["job_ids"]
            scored = finished(session_factory, job_id, 90)
            [row] = client.get(f"/api/v1/runs/models/{name}").json()["scores"]
        finally:
            worker.stop()
    assert scored.error is not None and "data not installed" not in scored.error
    assert "stimulus_hvm-private.csv: SHA1" in scored.error, scored.error
    assert "does not match the expected 6ff49817" in scored.error
    assert row["status"] == "failed" and "does not match the expected" in row["reason"]
    downloaded = settings.scratch_dir / "objects" / "data"
    if settings.storage_url:  # the worker read copies; nothing went to the storage folder
        copies = [path.name for path in downloaded.iterdir() if not path.name.startswith(".")]
        assert sorted(copies) == sorted(FILES.values())
        assert not settings.storage_dir.exists()
    else:
        assert (settings.storage_dir / "data" / FILES["assembly"]).is_file()
        assert not downloaded.exists()
