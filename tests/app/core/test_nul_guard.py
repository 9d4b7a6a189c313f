"""A NUL in any URL parameter is bad input (422), never a database error (500)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/compare?models=a%00b",
        "/api/v1/models/net%00work",
        "/api/v1/scores?model=%00",
        "/api/v1/leaderboard?q=x%00",
        "/compare?models=a,%00",
    ],
)
def test_nul_in_a_url_is_refused_as_bad_input(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"]


def test_urls_without_nul_pass_the_guard(client: TestClient) -> None:
    assert client.get("/api/v1/benchmarks?limit=1").status_code == 200
