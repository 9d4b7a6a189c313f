"""The /admin page and its forms, driven with a signed-in administrator's session."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from app.users.service import create_user
from foundation.config import Settings
from foundation.db import unit_of_work
from foundation.models import User
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
