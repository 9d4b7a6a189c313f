"""Fixtures of the browser tests: real PostgreSQL and Redis (as in tests/app), and one chromium for
the whole session (defined here once: a second session-wide sync Playwright in the main thread,
as two modules importing the fixture would make, fails with "Sync API inside the asyncio loop")."""

from tests.app.services import postgres_url, redis_url, service_settings, session_factory
from tests.browser.board_site import browser

__all__ = ["browser", "postgres_url", "redis_url", "service_settings", "session_factory"]
