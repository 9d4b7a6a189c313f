"""The /jobs/{id} page in a real Chromium: the status and progress bar follow the job live."""

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect, sync_playwright
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from foundation.config import Settings
from foundation.models import Job, JobStatus, User
from tests.live import uvicorn_in_thread

CHROMIUM = os.environ.get("VENTRAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update",
]  # fmt: skip


@pytest.fixture(scope="module")
def live_url(service_settings: Settings) -> Iterator[str]:
    with uvicorn_in_thread(create_app(service_settings)) as url:
        yield url


@pytest.mark.browser
def test_job_page_updates_status_and_progress_live(
    live_url: str, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        job = Job(kind="selfcheck", payload={}, status=JobStatus.running, progress=0.25)
        session.add(job)
        session.flush()
        job_id = job.id
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{live_url}/jobs/{job_id}")
        expect(page.locator("#job-status")).to_have_text("running")
        with session_factory.begin() as session:
            row = session.get_one(Job, job_id)
            row.status, row.progress, row.error = JobStatus.failed, 0.5, "the weights do not fit"
        expect(page.locator("#job-status")).to_have_text("failed", timeout=10_000)
        expect(page.locator("#job-error")).to_have_text("the weights do not fit")
        assert page.locator("#job-progress").evaluate("bar => bar.value") == 0.5
        browser.close()


@pytest.mark.browser
def test_job_page_follows_queue_place_and_buttons_to_cancelled(
    live_url: str, session_factory: sessionmaker[Session]
) -> None:
    """The Cancel button goes away once the job is cancelled (no reload), Retry appears, and
    a queued job shows its queue position until it starts."""
    email = f"job-page-{uuid.uuid4().hex[:8]}@example.org"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{live_url}/signup")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", "correct horse battery")
        page.click("button[type=submit]")
        job_id = add_owned_job(session_factory, email)
        page.goto(f"{live_url}/jobs/{job_id}")
        expect(page.locator("#job-position")).to_be_visible()
        expect(page.locator("#job-cancel")).to_be_visible()
        expect(page.locator("#job-retry")).to_be_hidden()
        set_status(session_factory, job_id, JobStatus.running)
        expect(page.locator("#job-queue")).to_be_hidden(timeout=10_000)
        set_status(session_factory, job_id, JobStatus.cancelled)
        expect(page.locator("#job-status")).to_have_text("cancelled", timeout=10_000)
        expect(page.locator("#job-cancel")).to_be_hidden()
        expect(page.locator("#job-retry")).to_be_visible()
        browser.close()


def add_owned_job(factory: sessionmaker[Session], email: str) -> int:
    with factory.begin() as session:
        user = session.scalars(sa.select(User).where(User.email == email)).one()
        job = Job(kind="selfcheck", payload={}, queue=f"q-{uuid.uuid4().hex[:6]}", owner_id=user.id)
        session.add(job)
        session.flush()
        return job.id


def set_status(factory: sessionmaker[Session], job_id: int, status: JobStatus) -> None:
    with factory.begin() as session:
        session.get_one(Job, job_id).status = status
