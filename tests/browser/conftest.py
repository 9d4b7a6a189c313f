"""Fixtures of the browser tests: real PostgreSQL and Redis (as in tests/app)."""

from tests.app.services import postgres_url, redis_url, service_settings, session_factory

__all__ = ["postgres_url", "redis_url", "service_settings", "session_factory"]
