"""Fixtures of the web-app tests: the real PostgreSQL/Redis services and an in-process client."""

from tests.app.services import client, postgres_url, redis_url, service_settings, session_factory

__all__ = ["client", "postgres_url", "redis_url", "service_settings", "session_factory"]
