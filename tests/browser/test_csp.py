"""Every page works under the Content-Security-Policy: the charts draw (vega without eval), the
leaderboard's script runs, and the browser reports no violation."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.browser.board_site import base_url, board_database, board_factory, board_settings, people
from tests.browser.isolated import in_chromium

__all__ = ["base_url", "board_database", "board_factory", "board_settings", "people"]

CHART_PAGES = ("/plots", "/models/CORnet-S", "/compare?models=CORnet-S,AlexNet")


def new_page(browser: Browser, base_url: str) -> Page:
    context = browser.new_context(base_url=base_url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(20_000)
    return context.new_page()


def _violations(page: Page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text))
    return found


def test_charts_draw_under_the_policy_and_an_injected_script_is_blocked(base_url: str):
    def scenario(browser: Browser) -> None:
        _charts_draw(new_page(browser, base_url))
        _inline_script_blocked(new_page(browser, base_url))

    in_chromium(scenario)


def _charts_draw(page: Page) -> None:
    messages = _violations(page)
    for url in CHART_PAGES:
        response = page.goto(url)
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        charts = page.locator("[data-spec]")
        assert charts.count() > 0, url
        for index in range(charts.count()):
            expect(charts.nth(index)).to_have_attribute("data-rendered", "true")
        assert page.locator("[data-spec] svg").count() >= 1, url
    page.goto("/?q=resnet&preset=leaderboard")
    expect(page.locator("#leaderboard tbody tr").first).to_be_visible()
    blocked = [text for text in messages if "Content Security Policy" in text]
    assert blocked == []


def _inline_script_blocked(page: Page) -> None:
    """The policy is live in the browser: a script injected as markup does not run."""
    messages = _violations(page)
    page.goto("/plots")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = 1'; document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.injected") is None
    assert any("Content Security Policy" in text for text in messages)
