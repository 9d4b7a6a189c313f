"""The board's fixtures (tests/app/board.py)."""

from tests.app.board import (
    board_app,
    board_client,
    board_database,
    board_factory,
    board_settings,
    people,
)

__all__ = [
    "board_app",
    "board_client",
    "board_database",
    "board_factory",
    "board_settings",
    "people",
]
