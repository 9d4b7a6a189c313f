"""Requests generated from the OpenAPI schema (schemathesis): never a 5xx.

Schema-valid requests only; schemathesis' negative mode cannot generate for an integer path
parameter, so the invalid ones are the hand-written sweep in test_bad_input.py.
"""

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode


def test_generated_requests_never_get_a_server_error(client: TestClient) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            response = case.call()
            assert response.status_code < 500, (case.path, case.path_parameters, response.text)

        check()
