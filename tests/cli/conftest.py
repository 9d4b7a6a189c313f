"""Fixtures of the command-line tests: the real PostgreSQL and Redis services, API tokens."""

from tests.app.services import postgres_url, redis_url, service_settings, session_factory
from tests.app.submissions.conftest import new_token

__all__ = ["new_token", "postgres_url", "redis_url", "service_settings", "session_factory"]
