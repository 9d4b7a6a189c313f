"""The /admin page and its forms, driven with a signed-in administrator's session."""

from __future__ import annotations

import re
import uuid

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from app.reference_models.service import reference_model
from app.users.service import create_user
from foundation.config import Settings
from foundation.db import unit_of_work
from foundation.models import Job, User
from foundation.runs import repository
from tests.app.auth.test_accounts import page_csrf, sign_up, unique_email


def signed_in_admin(settings: Settings, factory: sessionmaker[Session]) -> TestClient:
    email = unique_email()
    with unit_of_work(factory, lambda jobs: None) as session:
        create_user(session, email, "correct horse", admin=True)
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    form = {"email": email, "password": "correct horse", "csrf_token": page_csrf(client, "/signin")}
    assert client.post("/signin", data=form, follow_redirects=False).status_code == 303
    return client


def test_admin_page_lists_users_and_saves_quotas(
    service_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    admin = signed_in_admin(service_settings, session_factory)
    user_client = TestClient(create_app(service_settings), raise_server_exceptions=False)
    email = unique_email()
    sign_up(user_client, email)
    page = admin.get("/admin")
    assert page.status_code == 200
    assert email in page.text
    user_id = user_client.get("/api/v1/auth/me").json()["id"]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"csrf_token": csrf, "role": "user", "active": "true", "submissions_per_day": "3"}
    saved = admin.post(f"/admin/users/{user_id}", data=form, follow_redirects=False)
    assert saved.status_code == 303
    with session_factory() as session:
        assert session.get(User, user_id).submissions_per_day == 3
    forged = admin.post(f"/admin/users/{user_id}", data={**form, "csrf_token": "forged"})
    assert forged.status_code == 403


def test_admin_page_refuses_a_signed_in_user(service_settings: Settings) -> None:
    client = TestClient(create_app(service_settings), raise_server_exceptions=False)
    sign_up(client, unique_email())
    assert client.get("/admin").status_code == 403
    assert "Admin" not in client.get("/profile").text.split("<main>")[0]


def test_retrain_button_queues_one_training_job_and_refuses_a_second(
    service_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    admin = signed_in_admin(service_settings, session_factory)
    name = f"retrain-page-{uuid.uuid4().hex[:6]}"
    with unit_of_work(session_factory, lambda jobs: None) as session:
        repository.add(session, reference_model(session, name, "cornet_z"))
    page = admin.get(f"/models/{name}")
    assert f'action="/admin/models/{name}/retrain"' in page.text
    assert "not trained on this installation yet" in page.text
    assert f'action="/admin/models/{name}/retrain"' in admin.get("/admin").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"csrf_token": csrf, "profile": "cpu-quick"}
    queued = admin.post(f"/admin/models/{name}/retrain", data=form, follow_redirects=False)
    assert queued.status_code == 303
    job_id = int(queued.headers["location"].rsplit("/", 1)[1])
    with session_factory() as session:
        job = session.get_one(Job, job_id)
        assert (job.kind, job.queue, job.payload["profile"]) == ("train", "gpu", "cpu-quick")
    second = admin.post(f"/admin/models/{name}/retrain", data=form)
    assert second.status_code == 409
    assert f'href="/jobs/{job_id}"' in second.text
    forged = admin.post(f"/admin/models/{name}/retrain", data={**form, "csrf_token": "forged"})
    assert forged.status_code == 403
