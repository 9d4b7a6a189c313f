"""Fixtures of the board's browser tests: the app served by uvicorn on a free loopback port (in a
thread) against a PostgreSQL database seeded with the published results, driven by Playwright
with Debian's chromium. Imported by the test modules (conftest.py holds the shared services)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from app.main import create_app
from foundation.config import Settings
from tests.app.board import People, board_database, board_factory, board_settings, people
from tests.live import uvicorn_in_thread

__all__ = [
    "base_url",
    "board_database",
    "board_factory",
    "board_settings",
    "browser",
    "page",
    "people",
]

CHROMIUM = os.environ.get("VENTRAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(scope="session")
def base_url(board_settings: Settings, people: People) -> Iterator[str]:
    with uvicorn_in_thread(create_app(board_settings)) as url:
        httpx.get(f"{url}/", timeout=30)  # warm the leaderboard cache
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"chromium not found at {CHROMIUM}; set VENTRAL_CHROMIUM")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1400, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(20_000)
    tab = context.new_page()
    yield tab
    context.close()
