"""The upload's ``reference`` link is refused unless it is http(s) (issue 13: a ``javascript:``
reference made an admin who clicked it grant a role)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.app.submissions.conftest import RESNET20, NewToken, bearer, submission_count, unique_name

LINKS = (
    "javascript:fetch('/api/v1/admin/users/1',{method:'PATCH'})",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "//evil.example/",
)


def _upload(client: TestClient, token: str, reference: str):
    with RESNET20.open("rb") as handle:
        return client.post(
            "/api/v1/submissions",
            headers=bearer(token),
            data={
                "name": unique_name(),
                "architecture": "resnet20_cifar10",
                "reference": reference,
            },
            files={"file": ("w.safetensors", handle, "application/octet-stream")},
        )


def test_a_reference_that_is_not_a_web_link_is_refused(
    client: TestClient, new_token: NewToken, session_factory
):
    token = new_token()
    before = submission_count(session_factory)
    for link in LINKS:
        response = _upload(client, token, link)
        assert response.status_code == 400, (link, response.text)
        assert "reference" in response.text and "http" in response.json()["detail"]
    assert submission_count(session_factory) == before
