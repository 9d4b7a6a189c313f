"""Fixtures of the worker tests: real PostgreSQL, Redis and ``celery worker`` processes."""

from tests.app.services import client, postgres_url, redis_url, service_settings, session_factory

__all__ = ["client", "postgres_url", "redis_url", "service_settings", "session_factory"]
