"""Training yields to user work: while an upload's job waits on a user queue, a training job
stops after its epoch (checkpointed), goes back to the queue, and resumes from that checkpoint
once the user work is done."""

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings
from foundation.jobs.dispatch import unit_of_work_sending_jobs
from foundation.jobs.payloads import SelfcheckPayload
from foundation.jobs.queues import USER_QUEUE
from foundation.jobs.service import create_job
from foundation.models import Job, JobStatus
from tests.app.services import WorkerProcess, wait_for
from tests.app.submissions.conftest import start_from_an_idle_queue
from tests.data import DataSource
from tests.training_jobs import queue_cornet_z_training


def job_row(factory: sessionmaker[Session], job_id: int) -> Job:
    with factory() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def queue_user_job(settings: Settings, factory: sessionmaker[Session]) -> int:
    with unit_of_work_sending_jobs(factory, settings) as session:
        return create_job(session, SelfcheckPayload(steps=1), queue=USER_QUEUE).id


def test_training_pauses_for_user_work_and_resumes_from_its_checkpoint(
    service_settings: Settings,
    session_factory: sessionmaker[Session],
    data_source: DataSource,
    tmp_path: Path,
) -> None:
    settings = service_settings.model_copy(update={"training_yields_to_user_work": True})
    start_from_an_idle_queue(settings, session_factory)
    worker = WorkerProcess(settings, tmp_path / "gpu.log", name="trainer", queues="gpu")
    try:
        job_id = queue_cornet_z_training(
            settings, session_factory, data_source("cifar10"), name_prefix="yield", epochs=2
        )
        # Past the check before training: the job reports preparing its images, or training.
        wait_for(lambda: job_row(session_factory, job_id).message, 120, "training to start")
        user_job = queue_user_job(settings, session_factory)
        paused = wait_for(
            lambda: (
                (job := job_row(session_factory, job_id)).status == JobStatus.queued
                and "paused" in job.message
                and job
            ),
            180,
            "the training job to yield",
        )
        assert paused.message.startswith("paused after epoch 1/2"), paused.message
        assert paused.attempts == 0  # a yield is not a failed attempt
        with session_factory.begin() as session:
            session.execute(
                sa.update(Job).where(Job.id == user_job).values(status=JobStatus.succeeded)
            )
        done = wait_for(
            lambda: (job := job_row(session_factory, job_id)).status.finished and job,
            180,
            "the training job to resume and finish",
        )
    finally:
        worker.stop()
    assert done.status == JobStatus.succeeded, (done.error, worker.log_path.read_text()[-3000:])
    # Resumed from a checkpoint, not from scratch. Usually epoch 1's; the child process trains on
    # while the worker tails its progress file, so on these tiny epochs it may have saved epoch
    # 2's before the yield stopped it (CI at ab87975 saw that): then it resumes from there.
    assert done.result["epochs_done"] == 2
    assert done.result["resumed_from_epoch"] in (1, 2), done.result
