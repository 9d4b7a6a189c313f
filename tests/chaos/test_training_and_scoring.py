"""A worker killed (SIGKILL) in the middle of a training job, then another in the middle of the
score job that training queued: both jobs complete exactly once, the score row is never visible
half-written, and the attached weights are the complete file (its sha256 matches)."""

import hashlib
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.reference_models.service import reference_model
from foundation.config import Settings
from foundation.db import create_session_factory
from foundation.jobs.dispatch import unit_of_work_sending_jobs
from foundation.models import Job, JobStatus, ScoreStatus
from foundation.runs import repository, service
from tests.app.services import WorkerProcess, wait_for
from tests.chaos.servers import assert_each_succeeded_once, wait_all_finished
from tests.data import DataSource

pytestmark = [pytest.mark.chaos, pytest.mark.timeout(600)]
MODEL = "chaos-cornet_z"


def test_worker_killed_mid_training_and_mid_scoring(
    chaos_settings: Settings, data_source: DataSource, tmp_path: Path
) -> None:
    factory = create_session_factory(chaos_settings)
    first = WorkerProcess(chaos_settings, tmp_path / "w0.log", name="w0")
    first.wait_ready(60)
    train_id = start_training(chaos_settings, factory, data_source("cifar10"))
    try:
        wait_for(lambda: _running(factory, train_id, min_progress=0.01), 240, "training under way")
    finally:
        first.kill()

    second = WorkerProcess(chaos_settings, tmp_path / "w1.log", name="w1")
    try:
        trained = wait_for(lambda: _finished(factory, train_id), 300, "training to finish")
        assert trained.status == JobStatus.succeeded, trained.error
        score_id = trained.result["score_jobs"][0]
        wait_for(lambda: _running(factory, score_id), 120, "the score job under way")
    finally:
        second.kill()
    with factory() as session:
        [score] = repository.scores_of_jobs(session, [score_id])
        job = session.get(Job, score_id)
        assert job is not None
        # Whatever the kill interrupted, a score is either complete with its job, or not there.
        assert (score.status == ScoreStatus.succeeded) == (job.status == JobStatus.succeeded)
        assert score.status == ScoreStatus.succeeded or score.raw is None

    third = WorkerProcess(chaos_settings, tmp_path / "w2.log", name="w2")
    try:
        wait_all_finished(factory, [train_id, score_id], 300)
        settle = chaos_settings.job_stale_seconds + chaos_settings.sweep_interval_seconds
        jobs = assert_each_succeeded_once(factory, [train_id, score_id], settle_seconds=settle)
    finally:
        third.stop()
    assert jobs[0].attempts == 2
    with factory() as session:
        [score] = repository.scores_of_jobs(session, [score_id])
        assert score.status == ScoreStatus.succeeded and 0.0 <= (score.raw or -1) <= 1.0
        model = repository.model_by_name(session, MODEL)
        assert model is not None and model.weights_artifact is not None
        weights = Path(model.weights_artifact.path)
        weights = weights if weights.is_absolute() else chaos_settings.storage_dir / weights
        assert hashlib.sha256(weights.read_bytes()).hexdigest() == model.weights_artifact.sha256


def start_training(settings: Settings, factory: sessionmaker[Session], dataset: Path) -> int:
    with unit_of_work_sending_jobs(factory, settings) as session:
        model = repository.add(session, reference_model(session, MODEL, "cornet_z"))
        job = service.create_training_job(
            session, model, "cpu-quick", str(dataset), per_class=20, val_per_class=5, epochs=2,
            nproc=1, parametrization="test", benchmarks=["CIFAR10-top1"],
        )  # fmt: skip
    return job.id


def _running(factory: sessionmaker[Session], job_id: int, min_progress: float = 0.0) -> bool:
    with factory() as session:
        job = session.get(Job, job_id)
        return job is not None and job.status == JobStatus.running and job.progress >= min_progress


def _finished(factory: sessionmaker[Session], job_id: int) -> Job | None:
    with factory() as session:
        job = session.get(Job, job_id)
        return job if job is not None and job.status.finished else None
