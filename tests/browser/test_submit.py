"""A person's way through the site in Debian chromium (Playwright): sign up, upload the shipped
ResNet-20 weights with the form, watch the progress bars, see the validation succeed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from tests.app.services import WorkerProcess
from tests.app.submissions.conftest import RESNET20, start_from_an_idle_queue
from tests.app.submissions.live import live_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update",
]  # fmt: skip


@pytest.fixture(scope="module")
def site(
    service_settings: Settings,
    session_factory: sessionmaker[Session],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    start_from_an_idle_queue(service_settings, session_factory)
    logs = tmp_path_factory.mktemp("site")
    worker = WorkerProcess(service_settings, logs / "worker.log", queues="user")
    try:
        with live_server(service_settings, logs / "web.log") as url:
            worker.wait_ready()
            yield url
    finally:
        worker.stop()


def run_in_browser(scenario: Callable[[Page], None]) -> None:
    """Run ``scenario`` in chromium, in a thread of its own: another browser module may hold a
    session-wide sync Playwright (and its event loop) in the main thread."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Debian chromium not found at {CHROMIUM}")

    def run() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                scenario(browser.new_page())
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def sign_up(page: Page, site: str) -> str:
    email = f"browser-{uuid.uuid4().hex[:8]}@example.org"
    page.goto(f"{site}/signup")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{site}/profile")
    return email


def test_sign_up_upload_resnet20_and_watch_it_validate(site: str) -> None:
    run_in_browser(lambda page: upload_resnet20_and_watch(page, site))


def upload_resnet20_and_watch(page: Page, site: str) -> None:
    email = sign_up(page, site)
    expect(page.locator("nav.account")).to_contain_text(email)
    page.click("text=Submit")
    name = f"resnet20-browser-{uuid.uuid4().hex[:6]}"
    page.fill("input[name=name]", name)
    page.set_input_files("input[name=file]", str(RESNET20))
    page.select_option("select[name=architecture]", "resnet20_cifar10")
    page.fill("input[name=reference]", "https://arxiv.org/abs/1512.03385")
    page.click("#submit-button")
    page.wait_for_url(f"{site}/jobs/*", timeout=30_000)
    expect(page.locator("#job-status")).to_have_text("succeeded", timeout=90_000)
    assert page.locator("#job-progress").evaluate("bar => bar.value") == 1
    expect(page.locator("#job-log")).to_contain_text("forward pass in sandbox mode")
    page.goto(f"{site}/submit")
    row = page.locator("tr", has_text=name)
    expect(row).to_contain_text("accepted")
    expect(row).to_contain_text("ready")
    page.goto(f"{site}/models/{name}")
    expect(page.locator("main")).to_contain_text(name)


def test_upload_refusal_is_shown_on_the_form(site: str, tmp_path: Path) -> None:
    run_in_browser(lambda page: upload_a_pickle(page, site, tmp_path))


def upload_a_pickle(page: Page, site: str, tmp_path: Path) -> None:
    sign_up(page, site)
    page.goto(f"{site}/submit")
    pickle_file = tmp_path / "model.pth"
    pickle_file.write_bytes(b"\x80\x04K\x01.")
    page.fill("input[name=name]", f"pickle-{uuid.uuid4().hex[:6]}")
    page.set_input_files("input[name=file]", str(pickle_file))
    page.click("#submit-button")
    expect(page.locator("#upload-error")).to_contain_text("ventral convert")
    assert page.locator("#upload-progress").evaluate("bar => bar.value") == 1
