"""A sweep of hostile or malformed requests: every one gets a 4xx, never a 500."""

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from foundation.config import Settings

BAD_REQUESTS = [
    ("GET", "/api/v1/jobs/abc"),
    ("GET", "/api/v1/jobs/1.5"),
    ("GET", "/api/v1/jobs/-1"),
    ("GET", "/api/v1/jobs/0"),
    ("GET", "/api/v1/jobs/99999999999999999999999"),
    ("GET", "/api/v1/jobs/2147483648"),
    ("GET", "/api/v1/jobs/%00"),
    ("GET", "/api/v1/jobs/%F0%9F%A7%A0"),
    ("GET", "/api/v1/jobs/" + "9" * 5000),
    ("GET", "/api/v1/nowhere"),
    ("GET", "/api/v2/jobs/1"),
    ("POST", "/api/v1/jobs/1"),
    ("DELETE", "/api/v1/jobs/1"),
    ("POST", "/healthz"),
    ("GET", "/jobs/abc"),
    ("GET", "/jobs/99999999999999999999999"),
    ("GET", "/static/../app/main.py"),
    ("GET", "/static/%2e%2e/app/main.py"),
    ("GET", "/no/such/page"),
]


@pytest.mark.parametrize(("method", "path"), BAD_REQUESTS)
def test_bad_request_gets_a_4xx(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path)
    assert 400 <= response.status_code < 500, (path, response.status_code, response.text[:200])
    if path.startswith("/api"):
        assert isinstance(response.json()["detail"], str)


def test_oversized_body_is_refused_with_413(service_settings: Settings) -> None:
    settings = service_settings.model_copy(update={"max_request_bytes": 1000})
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/v1/jobs/1", content=b"x" * 5000)
    assert response.status_code == 413
    assert response.json() == {"detail": "request body larger than 1000 bytes"}
