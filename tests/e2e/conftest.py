"""Fixtures of the end-to-end tests: real PostgreSQL, Redis, worker processes, the web app."""

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.auth.service import issue_token
from app.users.service import create_user
from foundation.db import unit_of_work
from tests.app.services import client, postgres_url, redis_url, service_settings, session_factory

__all__ = ["client", "postgres_url", "redis_url", "service_settings", "session_factory"]

ADMIN = ("admin@e2e.test", "correct horse battery")


@pytest.fixture(scope="session")
def admin_auth(session_factory: sessionmaker[Session]) -> dict[str, str]:
    """Headers of an administrator's API token."""
    with unit_of_work(session_factory, lambda jobs: None) as session:
        admin = create_user(session, *ADMIN, admin=True)
        token = issue_token(session, admin, "e2e").secret
    return {"Authorization": f"Bearer {token}"}
