"""/docs (Swagger UI) and /redoc (ReDoc) in chromium, from the vendored assets only, under the
app's own Content-Security-Policy (app/core/headers.py): every operation shows and the browser
reports no CSP violation, no failed request and no request off this server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from app.main import create_app
from foundation.config import Settings
from tests.live import uvicorn_in_thread

RENDER_MS = 60_000  # both render the whole API in the browser: slow on a loaded 2-core CI


@pytest.fixture(scope="module")
def docs_url(service_settings: Settings) -> Iterator[str]:
    app = create_app(service_settings)
    with uvicorn_in_thread(app) as url:
        yield url


@pytest.fixture
def docs_page(browser: Browser, docs_url: str) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(base_url=docs_url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(RENDER_MS)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    tab.on(
        "response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None
    )
    # Anything not served by this installation (a CDN, a font service) is a failure.
    tab.route(lambda url: not url.startswith(docs_url) and not url.startswith(("blob:", "data:")),
              lambda route: route.abort())  # fmt: skip
    yield tab, problems
    context.close()


def operation_count(docs_url: str) -> int:
    schema: dict[str, Any] = httpx.get(f"{docs_url}/openapi.json", timeout=30).json()
    return sum(len(methods) for methods in schema["paths"].values())


def test_swagger_ui_shows_every_operation(docs_page: tuple[Page, list[str]], docs_url: str):
    page, problems = docs_page
    page.goto("/docs")
    operations = page.locator("#swagger-ui .opblock")
    expect(operations.first).to_be_visible(timeout=RENDER_MS)
    expect(operations).to_have_count(operation_count(docs_url))
    expect(page.locator("#swagger-ui .info .title")).to_contain_text("Ventral")
    page.locator("#swagger-ui .opblock-summary", has_text="/healthz").first.click()
    expect(page.locator("#swagger-ui .opblock.is-open")).to_have_count(1)
    assert problems == []


def test_redoc_renders_every_operation(docs_page: tuple[Page, list[str]], docs_url: str):
    page, problems = docs_page
    page.goto("/redoc")
    operations = page.locator('[data-section-id^="operation/"]')
    expect(operations.first).to_be_visible(timeout=RENDER_MS)
    expect(operations).to_have_count(operation_count(docs_url))
    expect(page.locator("h1").first).to_contain_text("Ventral")
    page.wait_for_timeout(500)  # ReDoc's search index starts in a blob: worker after rendering
    assert problems == []
