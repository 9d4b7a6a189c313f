"""The run routes through the web app: retrain, score, studies; admin only; JSON errors."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.auth.service import issue_token
from app.reference_models.service import reference_model
from app.users.repository import by_email
from app.users.service import create_user
from foundation.db import unit_of_work
from foundation.models import Job
from foundation.runs import repository

ADMIN_EMAIL = "runs-admin@test.example"
USER_EMAIL = "runs-user@test.example"
ADMIN: dict[str, str] = {}
USER: dict[str, str] = {}


def setup_rows(factory: sessionmaker[Session]) -> None:
    """The reference model, an admin and a user, and a fresh API token for each."""
    with unit_of_work(factory, lambda jobs: None) as session:
        if repository.model_by_name(session, "routes-cornet_z") is None:
            repository.add(session, reference_model(session, "routes-cornet_z", "cornet_z"))
            create_user(session, ADMIN_EMAIL, "a long admin password", admin=True)
            create_user(session, USER_EMAIL, "a long user password")
        for email, headers in ((ADMIN_EMAIL, ADMIN), (USER_EMAIL, USER)):
            user = by_email(session, email)
            assert user is not None
            headers["Authorization"] = f"Bearer {issue_token(session, user, 'runs').secret}"


def test_retrain_queues_a_gpu_training_job(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    setup_rows(session_factory)
    body = {"profile": "cpu-quick", "dataset": "/data/cifar10", "per_class": 50}
    response = client.post("/api/v1/admin/models/routes-cornet_z/retrain", json=body, headers=ADMIN)
    assert response.status_code == 202, response.text
    with session_factory() as session:
        job = session.get(Job, response.json()["job_id"])
        assert job is not None and (job.kind, job.queue) == ("train", "gpu")
        assert job.payload["per_class"] == 50 and job.payload["architecture"] == "cornet_z"


def test_a_second_training_job_for_a_model_is_refused_with_a_link_to_the_first(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    setup_rows(session_factory)
    with unit_of_work(session_factory, lambda jobs: None) as session:
        repository.add(session, reference_model(session, "routes-twice", "cornet_z"))
    url = "/api/v1/admin/models/routes-twice/retrain"
    first = client.post(url, json={}, headers=ADMIN)
    assert first.status_code == 202, first.text
    second = client.post(url, json={}, headers=ADMIN)
    assert second.status_code == 409
    job_id = first.json()["job_id"]
    assert second.json()["detail"] == (
        f"model 'routes-twice' is already being trained by job {job_id}: /jobs/{job_id}"
    )


def test_non_admins_and_unknown_models_are_refused(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    setup_rows(session_factory)
    as_user = client.post("/api/v1/admin/models/routes-cornet_z/retrain", json={}, headers=USER)
    unknown = client.post("/api/v1/admin/models/no-such-model/retrain", json={}, headers=ADMIN)
    bad_profile = client.post(
        "/api/v1/admin/models/routes-cornet_z/retrain", json={"profile": "x"}, headers=ADMIN
    )
    assert (as_user.status_code, unknown.status_code) == (403, 404)
    assert unknown.json() == {"detail": "model 'no-such-model' not found"}
    assert bad_profile.status_code == 422


def test_unknown_benchmark_or_variant_is_a_422(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    setup_rows(session_factory)
    score = client.post(
        "/api/v1/admin/models/routes-cornet_z/score", json={"benchmarks": ["Nope"]}, headers=ADMIN
    )
    study = client.post(
        "/api/v1/admin/studies", json={"name": "s", "variants": ["resnet18"]}, headers=ADMIN
    )
    assert (score.status_code, study.status_code) == (422, 422)
    assert "Nope" in score.json()["detail"]


def test_unknown_study_is_a_404(client: TestClient) -> None:
    response = client.get("/api/v1/studies/2147483647")
    assert response.status_code == 404 and "not found" in response.json()["detail"]
