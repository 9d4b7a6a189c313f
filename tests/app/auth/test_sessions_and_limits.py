"""Sessions end on the server (sign-out, password change, deactivation), passwords can be
changed (web, API, CLI), and sign-ups and uploads are rate-limited per address (issue 13)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from app.admin.schemas import UserUpdate
from app.admin.service import update_user
from app.auth.setup import SESSION_COOKIE
from app.main import create_app
from app.users import repository as users
from cli.main import cli
from foundation.config import Settings, get_settings
from tests.app.auth.test_accounts import fresh_client, page_csrf, sign_up, unique_email
from tests.app.services import make_settings, settings_env
from tests.app.submissions.conftest import RESNET20, bearer, new_token, unique_name

__all__ = ["new_token"]  # the fixture this module uses

PASSWORD = "correct horse"


def copy_of_session(client: TestClient, settings: Settings) -> TestClient:
    """Another client carrying a copy of ``client``'s session cookie (a stolen cookie)."""
    thief = fresh_client(settings)
    thief.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
    return thief


def signed_in(client: TestClient) -> bool:
    return client.get("/api/v1/auth/me").status_code == 200


def token_works(client: TestClient, email: str, password: str) -> bool:
    body = {"email": email, "password": password}
    return client.post("/api/v1/auth/token", json=body).status_code == 201


def test_a_cookie_copied_before_sign_out_stops_working(service_settings: Settings):
    client = fresh_client(service_settings)
    sign_up(client, unique_email())
    thief = copy_of_session(client, service_settings)
    assert signed_in(thief)
    csrf = page_csrf(client, "/profile")
    client.post("/signout", data={"csrf_token": csrf}, follow_redirects=False)
    assert not signed_in(client)
    assert not signed_in(thief)
    assert "Sign in" in thief.get("/").text


def test_changing_the_password_on_the_profile_ends_the_other_sessions(
    service_settings: Settings,
):
    client, email = fresh_client(service_settings), unique_email()
    sign_up(client, email)
    other = copy_of_session(client, service_settings)
    form = {
        "csrf_token": page_csrf(client, "/profile"),
        "current_password": PASSWORD,
        "new_password": "a new battery staple",
    }
    response = client.post("/profile/password", data=form)
    assert response.status_code == 200 and "Password changed" in response.text
    assert signed_in(client)
    assert not signed_in(other)
    assert not token_works(client, email, PASSWORD)
    assert token_works(client, email, "a new battery staple")


def test_the_profile_form_refuses_a_wrong_current_password(service_settings: Settings):
    client, email = fresh_client(service_settings), unique_email()
    sign_up(client, email)
    form = {
        "csrf_token": page_csrf(client, "/profile"),
        "current_password": "not it at all",
        "new_password": "a new battery staple",
    }
    response = client.post("/profile/password", data=form)
    assert response.status_code == 400 and "current password is wrong" in response.text
    assert token_works(client, email, PASSWORD)


def test_the_api_changes_the_password_and_keeps_only_this_session(service_settings: Settings):
    client, email = fresh_client(service_settings), unique_email()
    sign_up(client, email)
    other = copy_of_session(client, service_settings)
    headers = {"X-CSRF-Token": page_csrf(client, "/profile")}
    wrong = {"current_password": "nope nope", "new_password": "another one here"}
    assert client.post("/api/v1/auth/password", json=wrong, headers=headers).status_code == 400
    short = {"current_password": PASSWORD, "new_password": "short"}
    assert client.post("/api/v1/auth/password", json=short, headers=headers).status_code == 400
    good = {"current_password": PASSWORD, "new_password": "another one here"}
    assert client.post("/api/v1/auth/password", json=good, headers=headers).status_code == 204
    assert signed_in(client) and not signed_in(other)
    assert token_works(client, email, "another one here")


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(
    service_settings: Settings, session_factory: sessionmaker[Session]
):
    client, email = fresh_client(service_settings), unique_email()
    sign_up(client, email)
    with session_factory() as session:
        user_id = users.by_email(session, email).id  # type: ignore[union-attr]
    for active in (False, True):
        with session_factory() as session:
            update_user(session, user_id, UserUpdate(active=active))
            session.commit()
    assert not signed_in(client)
    assert token_works(client, email, PASSWORD)


@pytest.fixture
def cli_settings(service_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    for name, value in settings_env(service_settings).items():
        if name.startswith("VENTRAL_"):
            monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def test_the_cli_sets_a_password_and_ends_the_sessions(
    cli_settings: Settings, service_settings: Settings
):
    client, email = fresh_client(service_settings), unique_email()
    sign_up(client, email)
    new = "set by the operator"
    result = CliRunner().invoke(cli, ["user", "password", email], input=f"{new}\n{new}\n")
    assert result.exit_code == 0, result.output
    assert not signed_in(client)
    assert token_works(client, email, new) and not token_works(client, email, PASSWORD)
    unknown = CliRunner().invoke(cli, ["user", "password", "nobody@example.org"], input="x" * 9)
    assert unknown.exit_code != 0


def limited_app(tmp_path: Path, settings: Settings, **limits: str) -> TestClient:
    values = make_settings(tmp_path, settings.database_url, settings.broker_url, **limits)
    return TestClient(create_app(values), raise_server_exceptions=False)


def test_sign_ups_from_one_address_are_limited(tmp_path: Path, service_settings: Settings):
    client = limited_app(tmp_path, service_settings, signup_rate_limit="2/hour")
    for _ in range(2):
        sign_up(client, unique_email())
        client.cookies.clear()
    form = {"email": unique_email(), "password": PASSWORD}
    form["csrf_token"] = page_csrf(client, "/signup")
    response = client.post("/signup", data=form, follow_redirects=False)
    assert response.status_code == 429
    assert 3500 <= int(response.headers["retry-after"]) <= 3600
    assert "too many sign-ups" in response.text
    assert not signed_in(client)


def test_uploads_from_one_address_are_limited(
    tmp_path: Path, service_settings: Settings, new_token
):
    client = limited_app(tmp_path, service_settings, upload_rate_limit="1/minute")
    token = new_token()

    def upload() -> int:
        with RESNET20.open("rb") as handle:
            return client.post(
                "/api/v1/submissions",
                headers=bearer(token),
                data={"name": unique_name(), "architecture": "nope"},
                files={"file": ("w.safetensors", handle, "application/octet-stream")},
            )

    assert upload().status_code == 400  # counted, though refused (its checks cost CPU)
    response = upload()
    assert response.status_code == 429
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert "too many uploads" in response.json()["detail"]


def test_production_counts_in_redis_and_refuses_a_process_local_count(tmp_path: Path):
    common = {"environment": "production", "secret_key": "x" * 40, "var_dir": tmp_path}
    redis = Settings(_env_file=None, broker_url="redis://localhost:6379/0", **common)  # type: ignore[call-arg]
    assert redis.rate_limit_storage_url == "redis://localhost:6379/0"
    with pytest.raises(ValueError, match="RATE_LIMIT_STORAGE_URL"):
        Settings(_env_file=None, broker_url="sqla+sqlite:///x.sqlite", **common)  # type: ignore[call-arg]
    development = Settings(_env_file=None, var_dir=tmp_path)  # type: ignore[call-arg]
    assert development.rate_limit_storage_url == "memory://"
