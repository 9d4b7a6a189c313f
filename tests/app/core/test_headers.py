"""The Content-Security-Policy and the other security headers are on every response."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.core.headers import content_security_policy

REQUIRED = (
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)


def _directives(policy: str) -> dict[str, str]:
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))


def test_every_kind_of_response_carries_the_headers(client: TestClient):
    responses = [
        client.get("/signin"),
        client.get("/healthz"),
        client.get("/static/ventral.css"),
        client.get("/no-such-page"),
        client.get("/api/v1/models", params={"limit": "x"}),
        client.post("/api/v1/auth/token", json={}),
    ]
    for response in responses:
        assert response.status_code < 500, response.request.url
        policy = response.headers["content-security-policy"]
        for required in REQUIRED:
            assert required in policy, (response.request.url, required)
        assert "unsafe-inline" not in _directives(policy)["script-src"]
        assert "unsafe-eval" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["cross-origin-opener-policy"] == "same-origin"
        assert "camera=()" in response.headers["permissions-policy"]


def test_only_the_named_path_gets_its_extra_directive():
    assert _directives(content_security_policy("/redoc"))["worker-src"] == "'self' blob:"
    assert _directives(content_security_policy("/redocx"))["worker-src"] == "'self'"
    assert _directives(content_security_policy("/"))["worker-src"] == "'self'"
    assert _directives(content_security_policy("/docs"))["script-src"] == "'self'"
