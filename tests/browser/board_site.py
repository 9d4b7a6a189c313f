"""Fixtures of the board's browser tests: the app served by uvicorn on a free loopback port (in a
thread) against a PostgreSQL database seeded with the published results, driven by Playwright
with Debian's chromium. Imported by the test modules (conftest.py holds the shared services)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from app.main import create_app
from foundation.config import Settings
from tests.app.board import People, board_database, board_factory, board_settings, people

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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def base_url(board_settings: Settings, people: People) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(board_settings), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    httpx.get(f"{url}/", timeout=30)  # warm the leaderboard cache
    yield url
    server.should_exit = True
    thread.join(10)


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
