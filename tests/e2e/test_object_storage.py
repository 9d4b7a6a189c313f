"""The whole path of an uploaded model, in the storage folder and in an object store: the web
stores the upload, a worker validates it, another scores it with the uploaded weights, and
deleting the model deletes its files. With S3 (moto's server on loopback, through s3fs) the
workers read downloaded copies and nothing of the model is written to the storage folder."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from foundation.config import Settings
from foundation.models import Job, JobStatus
from foundation.storage import storage_from_settings
from tests.app.services import WorkerProcess, wait_for
from tests.app.submissions.conftest import RESNET20, start_from_an_idle_queue
from tests.foundation.storage.s3 import BACKENDS, s3_server, settings_on_backend

BUCKET = "ventral-e2e"
__all__ = ["s3_server"]


@pytest.fixture(params=BACKENDS)
def backend_settings(
    request: pytest.FixtureRequest, service_settings: Settings, tmp_path: Path
) -> Settings:
    return settings_on_backend(request, service_settings, tmp_path, BUCKET)


def finished(factory: sessionmaker[Session], job_ids: list[int]) -> list[Job] | None:
    with factory() as session:
        jobs = list(session.scalars(sa.select(Job).where(Job.id.in_(job_ids)).order_by(Job.id)))
    return jobs if all(job.status.finished for job in jobs) else None


def upload(client: TestClient, auth: dict[str, str], name: str) -> dict:
    with RESNET20.open("rb") as weights:
        response = client.post(
            "/api/v1/submissions",
            headers=auth,
            data={"name": name, "architecture": "resnet20_cifar10"},
            files={"file": ("resnet20.safetensors", weights, "application/octet-stream")},
        )
    assert response.status_code == 202, response.text
    return response.json()


def run_worker(
    settings: Settings, log: Path, queues: str, job_ids: list[int], factory
) -> list[Job]:
    worker = WorkerProcess(settings, log, name=log.stem, queues=queues)
    try:
        return wait_for(lambda: finished(factory, job_ids), 180, f"jobs {job_ids}")
    finally:
        worker.stop()


def test_an_upload_is_stored_validated_scored_and_deleted(
    backend_settings: Settings,
    session_factory: sessionmaker[Session],
    admin_auth: dict[str, str],
    tmp_path: Path,
) -> None:
    settings = backend_settings
    start_from_an_idle_queue(settings, session_factory)
    store = storage_from_settings(settings)
    name = f"s3-resnet20-{uuid.uuid4().hex[:6]}"
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        accepted = upload(client, admin_auth, name)
        prefix = f"uploads/{accepted['submission_id']}"
        assert list(store.keys(prefix)) == [f"{prefix}/weights.safetensors"]
        assert client.get("/healthz").json()["storage"] == "ok"

        [validation] = run_worker(
            settings, tmp_path / "validator.log", "user", [accepted["job_id"]],
            session_factory,
        )  # fmt: skip
        assert validation.status is JobStatus.succeeded, validation.error
        start_from_an_idle_queue(settings, session_factory)  # the full suite it queued
        body = {"benchmarks": ["CIFAR10-top1"], "parametrization": "test"}
        started = client.post(f"/api/v1/admin/models/{name}/score", json=body, headers=admin_auth)
        assert started.status_code == 202, started.text
        [scoring] = run_worker(
            settings, tmp_path / "scorer.log", "gpu", started.json()["job_ids"],
            session_factory,
        )  # fmt: skip
        assert scoring.status is JobStatus.succeeded, scoring.error
        scores = client.get(f"/api/v1/runs/models/{name}").json()["scores"]
        [top1] = [row for row in scores if row["benchmark"] == "CIFAR10-top1"]
        assert 0.5 < top1["raw"] <= 1.0  # the uploaded ResNet-20 weights, not an untrained net

        deleted = client.delete(f"/api/v1/admin/models/{name}", headers=admin_auth)
        assert deleted.status_code == 200, deleted.text
    assert list(store.keys(prefix)) == []
    if settings.storage_url:
        assert not settings.storage_dir.exists()
        # The workers read the weights from a copy downloaded into this host's objects cache.
        assert (settings.scratch_dir / "objects" / prefix / "weights.safetensors").is_file()
    else:
        assert not (settings.scratch_dir / "objects").exists()
