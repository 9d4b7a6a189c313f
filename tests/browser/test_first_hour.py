"""A researcher's first hour (issue 17), in Debian chromium: while a reference model's training
is queued (as the first run leaves it), an upload through the form is validated and scored
first — the training waits, then resumes — and the model is ranked on the first page of the
default view. The two workers are the ones ``ventral serve`` starts: one on every queue, one on
the user queues; the training is a tiny ``cpu-quick`` run so the test stays short."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from foundation.config import Settings
from foundation.jobs.queues import QUEUES_BY_PRIORITY, USER_QUEUES
from foundation.models import Job, JobStatus, Model
from tests.app.services import WorkerProcess
from tests.app.submissions.conftest import RESNET20, start_from_an_idle_queue
from tests.browser.test_submit import run_in_browser, sign_up
from tests.data import DataSource
from tests.live import uvicorn_in_thread, wait_for
from tests.training_jobs import queue_cornet_z_training


def upload_jobs(factory: sessionmaker[Session], name: str) -> list[Job]:
    with factory() as session:
        return list(
            session.scalars(
                sa.select(Job).join(Model, Model.id == Job.model_id).where(Model.name == name)
            )
        )


def job_row(factory: sessionmaker[Session], job_id: int) -> Job:
    with factory() as session:
        return session.get_one(Job, job_id)


def job_state(factory: sessionmaker[Session], job_id: int) -> str:
    """What a timed-out wait reports: where the job stands and the end of its log."""
    job = job_row(factory, job_id)
    return (
        f"job {job.id} ({job.kind}, queue {job.queue}) {job.status.value} attempt {job.attempts}"
        f" started {job.started_at} message {job.message!r} error {job.error!r}"
        f" log ...{job.log_tail[-600:]!r}"
    )


def upload_through_the_form(page: Page, site: str, name: str) -> None:
    sign_up(page, site)
    page.goto(f"{site}/submit")
    page.fill("input[name=name]", name)
    page.set_input_files("input[name=file]", str(RESNET20))
    page.select_option("select[name=architecture]", "resnet20_cifar10")
    page.click("#submit-button")
    page.wait_for_url(f"{site}/jobs/*", timeout=60_000)
    expect(page.locator("#job-model-link")).to_have_text(name)
    expect(page.locator("#job-status")).to_have_text("succeeded", timeout=180_000)


# Scoring the upload on the five benchmarks whose data ship with the repository takes about a
# minute on an idle 2-core machine (docs/workers.md), but over 10 minutes at load average 33.
@pytest.mark.timeout(1500)
def test_an_upload_goes_before_reference_training_and_is_ranked(
    service_settings: Settings,
    session_factory: sessionmaker[Session],
    data_source: DataSource,
    tmp_path: Path,
) -> None:
    settings = service_settings.model_copy(update={"training_yields_to_user_work": True})
    start_from_an_idle_queue(settings, session_factory)
    seen_paused: list[Job] = []

    def scored_meanwhile() -> list[Job] | None:
        job = job_row(session_factory, training)
        if job.status is JobStatus.queued and job.message.startswith("paused"):
            seen_paused.append(job)
        return all_scored(session_factory, name)

    with uvicorn_in_thread(create_app(settings), timeout=120) as site:
        training = queue_cornet_z_training(
            settings, session_factory, data_source("cifar10"), name_prefix="first-hour", epochs=1000
        )
        name = f"first-hour-{uuid.uuid4().hex[:6]}"
        workers = [
            WorkerProcess(settings, tmp_path / "all.log", "all", ",".join(QUEUES_BY_PRIORITY)),
            WorkerProcess(settings, tmp_path / "user.log", "user", ",".join(USER_QUEUES)),
        ]
        try:
            wait_for(lambda: job_row(session_factory, training).progress > 0, 300, "training")
            run_in_browser(lambda page: upload_through_the_form(page, site, name))
            scored = wait_for(
                scored_meanwhile,
                1200,
                "the upload's scoring",
                state=lambda: [
                    job_state(session_factory, job.id) for job in upload_jobs(session_factory, name)
                ],
            )
            last_score_end = max(job.finished_at for job in scored if job.finished_at)
            resumed = wait_for(
                lambda: resumed_after(session_factory, training, last_score_end),
                300,
                "the reference training to resume",
                state=lambda: job_state(session_factory, training),
            )
            run_in_browser(lambda page: see_it_ranked(page, site, name))
        finally:
            with session_factory.begin() as session:
                session.get_one(Job, training).cancel_requested = True
            for worker in workers:
                worker.stop()
    assert all(job.status is JobStatus.succeeded for job in scored), [
        (job.kind, job.error) for job in scored
    ]
    assert seen_paused, "the training never gave way to the upload"
    assert not resumed.status.finished


def resumed_after(factory: sessionmaker[Session], job_id: int, moment: datetime) -> Job | None:
    """The training job, once an attempt that started after ``moment`` trains again."""
    job = job_row(factory, job_id)
    started = job.started_at is not None and job.started_at >= moment
    return job if started and job.status is JobStatus.running and "epoch" in job.message else None


def all_scored(factory: sessionmaker[Session], name: str) -> list[Job] | None:
    jobs = upload_jobs(factory, name)
    scores = [job for job in jobs if job.kind == "score"]
    if not scores or not all(job.status.finished for job in jobs):
        return None
    return jobs


def see_it_ranked(page: Page, site: str, name: str) -> None:
    page.goto(site)
    row = page.locator(f"tr[data-model='{name}']")
    expect(row).to_be_visible()
    expect(row.locator("td.rank")).to_have_text(re.compile(r"^\d+$"))
