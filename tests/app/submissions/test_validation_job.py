"""The validation job end to end: API → PostgreSQL → Redis → a real Celery worker → sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from foundation.models import Job, Model, ModelStatus, Submission, SubmissionStatus
from tests.app.services import WorkerProcess, wait_for
from tests.app.submissions.conftest import (
    RESNET20,
    NewToken,
    bearer,
    start_from_an_idle_queue,
    unique_name,
)
from tests.app.submissions.test_upload_refusals import post, tiny_onnx

NAN_MANIFEST = (
    '{"input_size": 32, "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25],'
    ' "region_outputs": {"IT": "out"}}'
)


@pytest.fixture(scope="module")
def worker(
    service_settings: Settings,
    session_factory: sessionmaker[Session],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[WorkerProcess]:
    start_from_an_idle_queue(service_settings, session_factory)
    # Validation (user) and imports (default): the score jobs a validation queues (user-score)
    # stay queued here.
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    process = WorkerProcess(service_settings, log, queues="user,default")
    process.wait_ready()
    yield process
    process.stop()


def finished_job(client: TestClient, token: str, job_id: int) -> dict:
    def done() -> dict | None:
        job = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(token)).json()
        return job if job["status"] in {"succeeded", "failed", "cancelled"} else None

    return wait_for(done, 90, f"job {job_id} to finish")


def test_shipped_resnet20_weights_validate(
    client: TestClient, new_token: NewToken, worker: WorkerProcess, session_factory
) -> None:
    token, name = new_token(), unique_name("resnet20")
    accepted = post(client, token, RESNET20, architecture="resnet20_cifar10", name=name).json()
    job = finished_job(client, token, accepted["job_id"])
    assert job["status"] == "succeeded", (job["error"], worker.log_path.read_text()[-3000:])
    assert "forward pass in sandbox mode" in job["log_tail"], job["log_tail"]
    assert "output behavior: shape (4, 64, 1, 1), finite" in job["log_tail"]
    with session_factory() as session:
        model = session.scalar(sa.select(Model).where(Model.name == name))
        assert model.status is ModelStatus.ready
        assert model.model_metadata["parameter_count"] == 269722
        score_jobs = session.scalars(
            sa.select(Job).where(Job.model_id == model.id, Job.kind == "score")
        ).all()
    assert len(score_jobs) >= 1
    assert all(job.queue == "user-score" for job in score_jobs)
    submission = client.get(
        f"/api/v1/submissions/{accepted['submission_id']}", headers=bearer(token)
    )
    assert submission.json()["status"] == "accepted"


def test_a_model_with_non_finite_outputs_is_refused_and_removed(
    client: TestClient,
    new_token: NewToken,
    worker: WorkerProcess,
    tmp_path: Path,
    service_settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    # Log of the normalised CIFAR images: negative pixels give NaN, which only a run can show.
    token, name = new_token(), unique_name("nan")
    path = tiny_onnx(tmp_path / "model.onnx", op="Log")
    accepted = post(client, token, path, manifest=NAN_MANIFEST, name=name).json()
    job = finished_job(client, token, accepted["job_id"])
    assert job["status"] == "failed"
    assert job["error"].startswith("the upload was refused: output IT: contains NaN"), job["error"]
    folder = service_settings.storage_dir / "uploads" / str(accepted["submission_id"])
    assert not folder.exists()
    with session_factory() as session:
        assert session.scalar(sa.select(Model).where(Model.name == name)) is None
        submission = session.get(Submission, accepted["submission_id"])
        assert submission.status is SubmissionStatus.refused
    page = client.get(f"/jobs/{accepted['job_id']}", headers=bearer(token))
    assert "contains NaN" in page.text


def test_imported_brainio_files_load_in_the_import_job(
    client: TestClient, new_token: NewToken, worker: WorkerProcess, tmp_path: Path
) -> None:
    from tests.app.admin.test_admin import synthetic_brainio

    admin = new_token(admin=True)
    response = client.post(
        "/api/v1/admin/data/import",
        data={"identifier": unique_name("data"), "stimulus_set_identifier": unique_name("set")},
        files=synthetic_brainio(tmp_path),
        headers=bearer(admin),
    )
    job = finished_job(client, admin, response.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    assert "2 stimuli, assembly {'presentation': 2, 'neuroid': 3}" in job["log_tail"]
    assert "benchmarks with all their data now: none" in job["log_tail"]


def test_an_assembly_of_other_stimuli_fails_the_import_and_is_deleted(
    client: TestClient,
    new_token: NewToken,
    worker: WorkerProcess,
    tmp_path: Path,
    service_settings: Settings,
) -> None:
    from tests.app.admin.test_admin import synthetic_brainio

    # The assembly recorded stimuli s1 and s2; this stimulus set names its images q1 and q2.
    files = synthetic_brainio(tmp_path)
    files["stimuli"] = ("stimulus_x.csv", b"stimulus_id,filename\nq1,a.png\nq2,b.png\n")
    admin, assembly = new_token(admin=True), unique_name("data")
    response = client.post(
        "/api/v1/admin/data/import",
        data={"identifier": assembly, "stimulus_set_identifier": unique_name("set")},
        files=files,
        headers=bearer(admin),
    )
    job = finished_job(client, admin, response.json()["id"])
    assert job["status"] == "failed"
    assert "2 stimulus ids of the assembly are not in stimulus set" in job["error"], job["error"]
    assert "were removed" in job["error"]
    assert not (service_settings.storage_dir / "data" / f"assy_{assembly}.nc").exists()
