"""Sign-up, sign-in, sign-out, API tokens and CSRF, against the real app and PostgreSQL."""

import re
import uuid

from fastapi.testclient import TestClient

from app.main import create_app
from foundation.config import Settings


def fresh_client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings), raise_server_exceptions=False)


def page_csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


def sign_up(client: TestClient, email: str, password: str = "correct horse") -> None:
    form = {"email": email, "password": password, "csrf_token": page_csrf(client, "/signup")}
    response = client.post("/signup", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text


def unique_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@example.org"


def test_sign_up_signs_in_and_shows_the_profile(service_settings: Settings) -> None:
    client = fresh_client(service_settings)
    email = unique_email()
    sign_up(client, email)
    profile = client.get("/profile")
    assert profile.status_code == 200
    assert email in profile.text
    assert client.get("/api/v1/auth/me").json()["email"] == email


def test_sign_out_ends_the_session(service_settings: Settings) -> None:
    client = fresh_client(service_settings)
    sign_up(client, unique_email())
    csrf = page_csrf(client, "/profile")
    assert (
        client.post("/signout", data={"csrf_token": csrf}, follow_redirects=False).status_code
        == 303
    )
    assert client.get("/api/v1/auth/me").status_code == 401


def test_forged_csrf_token_is_refused(service_settings: Settings) -> None:
    client = fresh_client(service_settings)
    email = unique_email()
    page_csrf(client, "/signup")
    form = {"email": email, "password": "correct horse", "csrf_token": "forged"}
    response = client.post("/signup", data=form)
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert client.get("/api/v1/auth/me").status_code == 401


def test_session_api_writes_need_the_csrf_header(service_settings: Settings) -> None:
    client = fresh_client(service_settings)
    sign_up(client, unique_email())
    response = client.delete("/api/v1/auth/tokens/1")
    assert response.status_code == 403
    csrf = page_csrf(client, "/profile")
    response = client.delete("/api/v1/auth/tokens/1", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 404


def test_sign_in_with_a_wrong_password_fails_then_is_rate_limited(
    service_settings: Settings,
) -> None:
    client = fresh_client(service_settings)
    email = unique_email()
    sign_up(fresh_client(service_settings), email)
    csrf = page_csrf(client, "/signin")
    statuses = [
        client.post(
            "/signin", data={"email": email, "password": "wrong one", "csrf_token": csrf}
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    right = {"email": email, "password": "correct horse", "csrf_token": csrf}
    assert client.post("/signin", data=right).status_code == 429


def test_sign_in_then_redirects_only_to_local_paths(service_settings: Settings) -> None:
    client = fresh_client(service_settings)
    email = unique_email()
    sign_up(fresh_client(service_settings), email)
    csrf = page_csrf(client, "/signin")
    form = {
        "email": email,
        "password": "correct horse",
        "csrf_token": csrf,
        "next": "//evil.example",
    }
    response = client.post("/signin", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_api_token_is_shown_once_works_and_can_be_revoked(service_settings: Settings) -> None:
    client = fresh_client(service_settings)
    email = unique_email()
    sign_up(fresh_client(service_settings), email)
    issued = client.post("/api/v1/auth/token", json={"email": email, "password": "correct horse"})
    assert issued.status_code == 201
    token = issued.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=headers).json()["email"] == email
    listed = client.get("/api/v1/auth/tokens", headers=headers).json()
    assert [entry.get("token") for entry in listed] == [None]
    revoked = client.delete(f"/api/v1/auth/tokens/{issued.json()['id']}", headers=headers)
    assert revoked.status_code == 200
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_token_request_with_bad_credentials_is_401(service_settings: Settings) -> None:
    client = fresh_client(service_settings)
    response = client.post("/api/v1/auth/token", json={"email": "nobody@x.org", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["detail"].startswith("wrong email or password")


def test_sign_up_refuses_a_short_password_and_a_taken_email(service_settings: Settings) -> None:
    client = fresh_client(service_settings)
    email = unique_email()
    form = {"email": email, "password": "short", "csrf_token": page_csrf(client, "/signup")}
    assert client.post("/signup", data=form).status_code == 400
    sign_up(client, email)
    other = fresh_client(service_settings)
    form = {"email": email, "password": "long enough", "csrf_token": page_csrf(other, "/signup")}
    response = other.post("/signup", data=form)
    assert response.status_code == 400
    assert "already exists" in response.text


def test_profile_creates_a_token_shown_once_and_revokes_it(service_settings: Settings) -> None:
    client = fresh_client(service_settings)
    sign_up(client, unique_email())
    csrf = page_csrf(client, "/profile")
    created = client.post("/profile/tokens", data={"csrf_token": csrf, "name": "laptop"})
    token = re.search(r'<pre id="new-token">(vt_[^<]+)</pre>', created.text).group(1)
    assert token not in client.get("/profile").text
    stranger = fresh_client(service_settings)
    assert (
        stranger.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    token_id = client.get("/api/v1/auth/tokens").json()[0]["id"]
    client.post(f"/profile/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert (
        stranger.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )


def test_submit_page_asks_strangers_to_sign_in(service_settings: Settings) -> None:
    response = fresh_client(service_settings).get("/submit", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/submit"
