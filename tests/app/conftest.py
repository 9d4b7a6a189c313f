"""Fixtures of the web-app tests: the real PostgreSQL/Redis services and an in-process client,
and the board's fixtures (tests/app/board.py) that the leaderboard, plots, catalogue and
published tests share."""

from tests.app.board import (
    board_app,
    board_client,
    board_database,
    board_factory,
    board_settings,
    people,
)
from tests.app.services import client, postgres_url, redis_url, service_settings, session_factory

__all__ = [
    "board_app",
    "board_client",
    "board_database",
    "board_factory",
    "board_settings",
    "client",
    "people",
    "postgres_url",
    "redis_url",
    "service_settings",
    "session_factory",
]
