"""Fixtures of the end-to-end tests: real PostgreSQL, Redis, worker processes, the web app."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.auth.service import issue_token
from app.main import create_app
from app.users.service import create_user
from foundation.config import Settings
from foundation.db import unit_of_work
from tests.app.services import postgres_url, redis_url, service_settings, session_factory

__all__ = ["postgres_url", "redis_url", "service_settings", "session_factory"]

ADMIN = ("admin@e2e.test", "correct horse battery")


@pytest.fixture(scope="session")
def client(service_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(service_settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def admin_auth(session_factory: sessionmaker[Session]) -> dict[str, str]:
    """Headers of an administrator's API token."""
    with unit_of_work(session_factory, lambda jobs: None) as session:
        admin = create_user(session, *ADMIN, admin=True)
        token = issue_token(session, admin, "e2e").secret
    return {"Authorization": f"Bearer {token}"}
