"""Schemathesis over our OpenAPI schema, in process, as a signed-in user and as an administrator
(strangers: tests/app/test_openapi_fuzz.py):
no generated request may get a 5xx (bounded: a few examples per operation)."""

from __future__ import annotations

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.app.submissions.conftest import bearer, new_token

__all__ = ["new_token"]
EXAMPLES_PER_OPERATION = 6


def fuzz(client: TestClient, headers: dict[str, str]) -> int:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.method, case.path, response.text[:300])

        check()
    return len(operations)


def test_fuzzed_requests_never_get_a_server_error(client: TestClient, new_token) -> None:
    user, admin = bearer(new_token()), bearer(new_token(admin=True))
    for headers in (user, admin):
        assert fuzz(client, headers) >= 15
