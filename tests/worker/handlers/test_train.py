"""A training job under DDP (2 gloo processes) whose worker is SIGKILLed after the first
checkpoint: delivered again, it resumes from that checkpoint, finishes, and its weights are
attached to the model and scored."""

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.reference_models.service import reference_model
from foundation.config import Settings
from foundation.jobs.dispatch import unit_of_work_sending_jobs
from foundation.models import Job, JobStatus, Model, ScoreStatus
from foundation.runs import repository, service
from foundation.storage.local import LocalStorage
from scoring.training.checkpoints import list_checkpoints
from tests.app.services import WorkerProcess, wait_for
from tests.data import DataSource

MODEL = "train-cornet_z"


def start_training(settings: Settings, factory: sessionmaker[Session], dataset: Path) -> int:
    with unit_of_work_sending_jobs(factory, settings) as session:
        model = repository.add(session, reference_model(session, MODEL, "cornet_z"))
        job = service.create_training_job(
            session, model, "cpu-quick", str(dataset), per_class=30, val_per_class=5, epochs=2,
            nproc=2, parametrization="test", benchmarks=["CIFAR10-top1"],
        )  # fmt: skip
    return job.id


def finished(factory: sessionmaker[Session], job_id: int) -> Job | None:
    with factory() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job if job.status.finished else None


def test_killed_training_resumes_from_its_checkpoint_and_is_scored(
    service_settings: Settings,
    session_factory: sessionmaker[Session],
    data_source: DataSource,
    tmp_path: Path,
) -> None:
    checkpoints = service_settings.storage_dir / "training" / MODEL / "output" / "checkpoints"
    first = WorkerProcess(service_settings, tmp_path / "first.log", name="first")
    job_id = start_training(service_settings, session_factory, data_source("cifar10"))
    try:
        wait_for(lambda: list_checkpoints(checkpoints), 240, "the first checkpoint")
    finally:
        first.kill()
    assert [path.name for path in list_checkpoints(checkpoints)] == ["epoch-0001"]

    second = WorkerProcess(service_settings, tmp_path / "second.log", name="second")
    try:
        job = wait_for(lambda: finished(session_factory, job_id), 240, "training to finish")
        assert job.status == JobStatus.succeeded, job.error
        score_job = job.result["score_jobs"][0]
        scored = wait_for(lambda: finished(session_factory, score_job), 120, "the score job")
    finally:
        second.stop()
    assert job.attempts == 2 and (job.worker or "").startswith("second-")
    assert (job.result["resumed_from_epoch"], job.result["epochs_done"]) == (1, 2)
    assert "val accuracy" in job.log_tail
    assert scored.status == JobStatus.succeeded, scored.error
    with session_factory() as session:
        model = repository.model_by_name(session, MODEL)
        assert isinstance(model, Model) and model.weights_artifact is not None
        assert model.weights_artifact.sha256 == job.result["sha256"]
        assert LocalStorage(service_settings.storage_dir).exists(model.weights_artifact.path)
        assert model.model_metadata["weights"]["num_classes"] == 10
        [score] = repository.scores_of_jobs(session, [score_job])
        assert score.status == ScoreStatus.succeeded and score.model_id == model.id
        assert 0.0 <= (score.raw or -1) <= 1.0
