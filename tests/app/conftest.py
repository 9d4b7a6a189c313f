"""Fixtures of the web-app tests: the real PostgreSQL/Redis services and an in-process client."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from foundation.config import Settings
from tests.app.services import postgres_url, redis_url, service_settings, session_factory

__all__ = ["postgres_url", "redis_url", "service_settings", "session_factory"]


@pytest.fixture(scope="session")
def client(service_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(service_settings), raise_server_exceptions=False) as test_client:
        yield test_client
