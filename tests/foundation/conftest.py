"""Fixtures of the foundation tests: the real PostgreSQL and Redis services."""

from tests.app.services import postgres_url, redis_url, service_settings, session_factory

__all__ = ["postgres_url", "redis_url", "service_settings", "session_factory"]
