"""Private models stay private; owners cancel and retry; quotas skip cancelled jobs and count
uploads in flight, not the score jobs the service queued for them."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import torch
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from foundation.db import unit_of_work
from foundation.models import Job, JobStatus, Model
from foundation.runs.service import create_score_jobs
from tests.app.services import without_imported_data
from tests.app.submissions.conftest import (
    RESNET20,
    NewToken,
    bearer,
    lying_safetensors,
    resnet20_tensors,
    unique_name,
)
from tests.app.submissions.test_upload_refusals import post


def submit(client: TestClient, token: str, **fields: str):
    fields.setdefault("name", unique_name())
    return post(client, token, RESNET20, architecture="resnet20_cifar10", **fields)


def test_another_users_private_submission_and_job_are_not_found(
    client: TestClient, new_token: NewToken
) -> None:
    owner, stranger, admin = new_token(), new_token(), new_token(admin=True)
    accepted = submit(client, owner, visibility="private").json()
    submission_url = f"/api/v1/submissions/{accepted['submission_id']}"
    job_url = f"/api/v1/jobs/{accepted['job_id']}"
    assert client.get(submission_url, headers=bearer(owner)).json()["visibility"] == "private"
    assert client.get(submission_url, headers=bearer(stranger)).status_code == 404
    assert client.get(job_url, headers=bearer(stranger)).status_code == 404
    assert client.get(job_url).status_code == 404
    assert client.get(f"/jobs/{accepted['job_id']}").status_code == 404
    assert client.get(job_url, headers=bearer(admin)).status_code == 200
    assert client.get(submission_url, headers=bearer(admin)).status_code == 200


def test_owner_cancels_and_retries_a_job_a_stranger_cannot(
    client: TestClient, new_token: NewToken
) -> None:
    owner, stranger = new_token(), new_token()
    job_id = submit(client, owner).json()["job_id"]
    assert client.post(f"/api/v1/jobs/{job_id}/cancel", headers=bearer(stranger)).status_code == 404
    cancelled = client.post(f"/api/v1/jobs/{job_id}/cancel", headers=bearer(owner))
    assert cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/jobs/{job_id}/cancel", headers=bearer(owner))
    assert again.status_code == 409
    retried = client.post(f"/api/v1/jobs/{job_id}/retry", headers=bearer(owner))
    assert retried.json()["status"] == "queued"
    assert client.post(f"/api/v1/jobs/{job_id}/retry", headers=bearer(owner)).status_code == 409
    assert client.post(f"/api/v1/jobs/{job_id}/cancel", headers=bearer(owner)).status_code == 200


def test_concurrent_jobs_quota_does_not_count_cancelled_jobs(
    client: TestClient, new_token: NewToken
) -> None:
    token = new_token(concurrent_jobs=1)
    first = submit(client, token).json()
    refused = submit(client, token)
    assert refused.status_code == 429
    assert "limit is 1" in refused.json()["detail"]
    client.post(f"/api/v1/jobs/{first['job_id']}/cancel", headers=bearer(token))
    second = submit(client, token)
    assert second.status_code == 202
    client.post(f"/api/v1/jobs/{second.json()['job_id']}/cancel", headers=bearer(token))


def test_with_the_quota_full_a_refused_file_still_gets_its_own_reason(
    client: TestClient, new_token: NewToken, tmp_path: Path
) -> None:
    """Checks before quotas (issue 17): file kind, size and header are answered first."""
    token = new_token(concurrent_jobs=1)
    first = submit(client, token).json()
    pth = tmp_path / "model.pth"
    torch.save(resnet20_tensors(), pth)
    pickle = post(client, token, pth, architecture="resnet20_cifar10", name=unique_name())
    assert pickle.status_code == 415, pickle.text
    assert "pickle" in pickle.json()["detail"]
    lying = lying_safetensors(tmp_path / "weights.safetensors")
    header = post(client, token, lying, architecture="resnet20_cifar10", name=unique_name())
    assert header.status_code == 400, header.text
    assert "limit is" not in header.json()["detail"]
    wrong_arch = post(client, token, RESNET20, architecture="nope", name=unique_name())
    assert wrong_arch.status_code == 400
    assert "registered architecture" in wrong_arch.json()["detail"]
    good = submit(client, token)
    assert good.status_code == 429
    assert "limit is 1" in good.json()["detail"]
    client.post(f"/api/v1/jobs/{first['job_id']}/cancel", headers=bearer(token))


def validated_and_being_scored(factory: sessionmaker[Session], accepted: dict) -> list[int]:
    """What the validation handler does on success: its job ends, score jobs are queued."""
    with unit_of_work(factory, lambda jobs: None) as session:
        session.get_one(Job, accepted["job_id"]).status = JobStatus.succeeded
        model = session.scalars(sa.select(Model).where(Model.name == accepted["model"])).one()
        benchmarks = ["CIFAR10-top1", "CIFAR10H-i2n"]
        run = create_score_jobs(session, model, benchmarks, "test", storage=without_imported_data())
        return [job.id for job in run.jobs]


def test_concurrent_jobs_quota_counts_uploads_in_flight_not_score_jobs(
    client: TestClient, new_token: NewToken, session_factory: sessionmaker[Session]
) -> None:
    token = new_token(concurrent_jobs=2)
    score_jobs = validated_and_being_scored(session_factory, submit(client, token).json())
    assert len(score_jobs) == 2
    in_flight = [submit(client, token) for _ in range(2)]
    assert [response.status_code for response in in_flight] == [202, 202]
    refused = submit(client, token)
    assert refused.status_code == 429
    assert refused.json()["detail"] == (
        "you have 2 uploads being validated and the limit is 2; "
        "wait for one to finish or cancel one"
    )
    jobs = score_jobs + [response.json()["job_id"] for response in in_flight]
    for job_id in jobs:
        client.post(f"/api/v1/jobs/{job_id}/cancel", headers=bearer(token))


def test_daily_quota_does_not_count_cancelled_submissions(
    client: TestClient, new_token: NewToken
) -> None:
    token = new_token(submissions_per_day=1)
    first = submit(client, token).json()
    client.post(f"/api/v1/jobs/{first['job_id']}/cancel", headers=bearer(token))
    second = submit(client, token)
    assert second.status_code == 202
    third = submit(client, token)
    assert third.status_code == 429
    assert "in the last 24 hours" in third.json()["detail"]
    client.post(f"/api/v1/jobs/{second.json()['job_id']}/cancel", headers=bearer(token))


def test_job_page_offers_its_owner_cancel_and_retry(service_settings, new_token: NewToken) -> None:
    from tests.app.auth.test_accounts import fresh_client, page_csrf, sign_up, unique_email

    owner = fresh_client(service_settings)
    sign_up(owner, unique_email())
    csrf = page_csrf(owner, "/submit")
    with RESNET20.open("rb") as handle:
        accepted = owner.post(
            "/api/v1/submissions",
            data={"name": unique_name(), "architecture": "resnet20_cifar10"},
            files={"file": ("w.safetensors", handle)},
            headers={"X-CSRF-Token": csrf},
        ).json()
    page = owner.get(accepted["status_url"])
    assert "Cancel</button>" in page.text
    stranger = fresh_client(service_settings)
    sign_up(stranger, unique_email())
    assert stranger.get(accepted["status_url"]).status_code == 404
    stranger_csrf = page_csrf(stranger, "/profile")
    cancel = f"{accepted['status_url']}/cancel"
    assert stranger.post(cancel, data={"csrf_token": stranger_csrf}).status_code == 404
    assert owner.post(cancel, data={"csrf_token": "forged"}).status_code == 403
    assert owner.post(cancel, data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert "Retry</button>" in owner.get(accepted["status_url"]).text


def test_a_private_uploaded_model_is_hidden_from_strangers_in_the_catalogue(
    client: TestClient, new_token: NewToken
) -> None:
    owner, stranger, name = new_token(), new_token(), unique_name("private")
    assert submit(client, owner, name=name, visibility="private").status_code == 202
    assert client.get(f"/api/v1/models/{name}", headers=bearer(owner)).status_code == 200
    assert client.get(f"/api/v1/models/{name}", headers=bearer(stranger)).status_code == 404
    assert client.get(f"/api/v1/models/{name}").status_code == 404
    listed = client.get("/api/v1/models", params={"q": name}, headers=bearer(stranger)).json()
    assert name not in str(listed)
