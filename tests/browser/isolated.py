"""Chromium in a thread of its own, with its own sync Playwright: another browser module may hold
a session-wide sync Playwright (and its event loop) in the main thread, and a second one there
fails ("Sync API inside the asyncio loop"). The scenario gets a fresh browser context."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.board_site import CHROMIUM, CHROMIUM_ARGS


def in_chromium(scenario: Callable[[Browser], None]) -> None:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"chromium not found at {CHROMIUM}; set VENTRAL_CHROMIUM")

    def run() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                scenario(browser)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()
