"""Models scored end to end: API → PostgreSQL → Redis → two worker processes → score rows →
API and leaderboard page. A benchmark whose data are missing, and a model whose weights do not
fit its architecture, each show their reason; the other scores succeed.

[decision] CIFAR10-top1 is the scored benchmark here: CIFAR10H-i2n always fits its readout on
the 5,000 fitting images (no smaller parametrization), which takes minutes on a shared 2-core
machine; its job path is the same code.
"""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.reference_models.service import reference_model, shipped_artifact
from foundation.config import Settings
from foundation.db import unit_of_work
from foundation.models import Job, JobStatus
from foundation.runs import repository
from tests.app.services import WorkerProcess, wait_for

SCORED = "CIFAR10-top1"
MISSING = "MajajHong2015.IT-pls"


def register(
    factory: sessionmaker[Session], name: str, architecture: str, weights: Path | None = None
) -> None:
    with unit_of_work(factory, lambda jobs: None) as session:
        model = reference_model(session, name, architecture)
        if weights is not None:
            model.weights_artifact = shipped_artifact(session, weights)
        repository.add(session, model)


def finished_jobs(factory: sessionmaker[Session], job_ids: list[int]) -> list[Job] | None:
    with factory() as session:
        jobs = list(repository.jobs(session, job_ids))
    return jobs if all(job.status.finished for job in jobs) else None


def score(client: TestClient, auth: dict[str, str], name: str, benchmarks: list[str]) -> dict:
    body = {"benchmarks": benchmarks, "parametrization": "test"}
    started = client.post(f"/api/v1/admin/models/{name}/score", json=body, headers=auth)
    assert started.status_code == 202, started.text
    return started.json()


def test_models_scored_by_two_workers_with_failures_explained(
    service_settings: Settings,
    session_factory: sessionmaker[Session],
    client: TestClient,
    admin_auth: dict[str, str],
    repo_root: Path,
    tmp_path: Path,
) -> None:
    workers = [WorkerProcess(service_settings, tmp_path / f"w{i}.log", f"w{i}") for i in (1, 2)]
    try:
        for worker in workers:
            worker.wait_ready(60)
        register(session_factory, "e2e-resnet20", "resnet20_cifar10")
        wrong_weights = repo_root / "data" / "weights" / "resnet56_cifar10.safetensors"
        register(session_factory, "e2e-mismatch", "resnet20_cifar10", wrong_weights)
        good = score(client, admin_auth, "e2e-resnet20", [SCORED, MISSING])
        bad = score(client, admin_auth, "e2e-mismatch", [SCORED])
        assert "data not installed" in good["skipped"][MISSING]
        job_ids = good["job_ids"] + bad["job_ids"]
        jobs = wait_for(lambda: finished_jobs(session_factory, job_ids), 150, "score jobs")
    finally:
        for worker in workers:
            worker.stop()
    assert [job.status for job in jobs] == [JobStatus.succeeded, JobStatus.failed]
    assert {(job.worker or "")[:2] for job in jobs} == {"w1", "w2"}
    assert "weights do not match the architecture" in (jobs[1].error or "")

    read = client.get("/api/v1/runs/models/e2e-resnet20").json()
    scores = {row["benchmark"]: row for row in read["scores"]}
    assert scores[SCORED]["status"] == "succeeded"
    assert 0.5 < scores[SCORED]["raw"] <= 1.0
    assert scores[SCORED]["details"]["n_images"] == 100
    assert scores[MISSING]["status"] == "failed"
    assert "data not installed" in scores[MISSING]["reason"]
    assert read["scoring_run"]["status"] == "complete"
    assert read["scoring_run"]["succeeded"] == [SCORED]

    mismatch = client.get("/api/v1/runs/models/e2e-mismatch").json()
    assert mismatch["scores"][0]["status"] == "failed"
    assert "weights do not match" in mismatch["scores"][0]["reason"]
    assert mismatch["scoring_run"]["failed"].keys() == {SCORED}

    page = client.get("/")
    assert page.status_code == 200 and "e2e-resnet20" in page.text


def test_retrain_and_score_are_admin_only(client: TestClient) -> None:
    anonymous = client.post("/api/v1/admin/models/cornet_z/retrain", json={})
    wrong = client.post(
        "/api/v1/admin/models/cornet_z/retrain",
        json={},
        headers={"Authorization": "Bearer not-a-real-token"},
    )
    assert (anonymous.status_code, wrong.status_code) == (401, 401)
