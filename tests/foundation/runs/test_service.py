"""Score and training runs on PostgreSQL: fan-out, skips, no double scoring, guarded writes,
the aggregate step. Each test works in one transaction and rolls it back."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.reference_models.service import reference_model
from foundation.jobs.payloads import ScorePayload
from foundation.models import Job, JobStatus, Model, ScoreStatus
from foundation.runs import repository, service
from foundation.storage import Storage
from foundation.storage.local import LocalStorage

INSTALLED = "CIFAR10-top1"
MISSING = "MajajHong2015.IT-pls"


def payload_of(job: Job) -> ScorePayload:
    return ScorePayload.model_validate(job.payload)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as db:
        yield db
        db.rollback()


@pytest.fixture
def storage(tmp_path: Path) -> Storage:
    return LocalStorage(tmp_path / "storage")


@pytest.fixture
def model(session: Session) -> Model:
    return repository.add(session, reference_model(session, "runs-resnet20", "resnet20_cifar10"))


def test_one_job_per_installed_benchmark_and_a_reason_for_missing_data(
    session: Session, model: Model, storage: Storage
) -> None:
    run = service.create_score_jobs(session, model, [INSTALLED, MISSING], "test", storage=storage)
    [job] = run.jobs
    assert (job.kind, job.queue, job.payload["benchmark"]) == ("score", "gpu", INSTALLED)
    assert job.payload["params"] == {"n_per_class": 10}
    assert job.payload["run"] == {"id": run.run_id, "jobs": [job.id]}
    rows = {row.benchmark.identifier: row for row in _scores(session, model)}
    assert rows[INSTALLED].status == ScoreStatus.pending and rows[INSTALLED].job_id == job.id
    assert rows[MISSING].status == ScoreStatus.failed and rows[MISSING].job_id is None
    assert rows[MISSING].details["reason"].startswith("data not installed: missing ")


def test_a_benchmark_whose_files_are_stored_under_their_brainio_names_is_scored(
    session: Session, model: Model, storage: Storage
) -> None:
    files = ("assy_dicarlo_MajajHong2015_private.nc", "stimulus_hvm-private.csv")
    for name in files:
        storage.write(f"data/{name}", [b"stored"])
    assert service.missing_data(MISSING, storage) == ["stimulus_hvm-private.zip"]
    skipped = service.create_score_jobs(session, model, [MISSING], "test", storage=storage)
    assert "missing stimulus_hvm-private.zip" in skipped.skipped[MISSING]
    assert not service.ensure_benchmark_row(session, MISSING, storage).data_installed
    storage.write("data/stimulus_hvm-private.zip", [b"stored"])
    [job] = service.create_score_jobs(session, model, [MISSING], "test", storage=storage).jobs
    assert job.payload["benchmark"] == MISSING
    assert service.ensure_benchmark_row(session, MISSING, storage).data_installed


def test_a_benchmark_being_scored_is_not_scored_again(
    session: Session, model: Model, storage: Storage
) -> None:
    first = service.create_score_jobs(session, model, [INSTALLED], "test", storage=storage)
    second = service.create_score_jobs(session, model, [INSTALLED], "test", storage=storage)
    assert second.jobs == [] and second.already_running == {INSTALLED: first.jobs[0].id}
    first.jobs[0].status = JobStatus.succeeded
    third = service.create_score_jobs(session, model, [INSTALLED], "test", storage=storage)
    assert len(third.jobs) == 1 and third.jobs[0].id != first.jobs[0].id


def test_a_replaced_job_cannot_overwrite_the_newer_score(
    session: Session, model: Model, storage: Storage
) -> None:
    old = service.create_score_jobs(session, model, [INSTALLED], "test", storage=storage).jobs[0]
    old.status = JobStatus.failed
    new = service.create_score_jobs(session, model, [INSTALLED], "test", storage=storage).jobs[0]
    values = {"raw": 0.5, "ceiled": 0.5, "ceiling": None, "error": 0.01, "details": {}}
    assert not service.record_score(session, payload_of(old), old.id, values)
    assert service.record_score(session, payload_of(new), new.id, values)
    [row] = _scores(session, model)
    session.refresh(row)
    assert (row.status, row.raw, row.job_id) == (ScoreStatus.succeeded, 0.5, new.id)
    assert row.finished_at is not None


def test_the_aggregate_step_runs_once_after_the_last_score(
    session: Session, model: Model, storage: Storage
) -> None:
    run = service.create_score_jobs(
        session, model, [INSTALLED, "CIFAR10H-i2n"], "test", storage=storage
    )
    first, second = run.jobs
    service.record_score(session, payload_of(first), first.id, {"raw": 0.8, "details": {}})
    assert not service.finish_run_if_complete(session, payload_of(first))
    service.record_score_failure(session, payload_of(second), second.id, "scoring failed: boom")
    session.expire_all()
    assert service.finish_run_if_complete(session, payload_of(second))
    assert not service.finish_run_if_complete(session, payload_of(second))
    summary = model.model_metadata["scoring_run"]
    assert summary["status"] == "complete" and summary["succeeded"] == [INSTALLED]
    assert summary["failed"] == {"CIFAR10H-i2n": "scoring failed: boom"}


def test_a_retried_job_reopens_its_completed_run(
    session: Session, model: Model, storage: Storage
) -> None:
    # Regression: a retry that succeeded left the run's summary saying the benchmark failed.
    [job] = service.create_score_jobs(session, model, [INSTALLED], "test", storage=storage).jobs
    service.record_score_failure(session, payload_of(job), job.id, "scoring failed: boom")
    session.expire_all()
    assert service.finish_run_if_complete(session, payload_of(job))

    assert service.mark_score_running(session, payload_of(job), job.id)  # the retry starts
    assert model.model_metadata["scoring_run"]["status"] == "running"
    service.record_score(session, payload_of(job), job.id, {"raw": 0.8, "details": {}})
    session.expire_all()
    assert service.finish_run_if_complete(session, payload_of(job))
    summary = model.model_metadata["scoring_run"]
    assert (summary["status"], summary["succeeded"], summary["failed"]) == (
        "complete",
        [INSTALLED],
        {},
    )


def test_training_job_goes_to_the_gpu_queue(session: Session, model: Model) -> None:
    job = service.create_training_job(session, model, "cpu-quick", "/data", epochs=2)
    assert (job.kind, job.queue, job.model_id) == ("train", "gpu", model.id)
    assert job.payload["architecture"] == "resnet20_cifar10" and job.payload["epochs"] == 2


def test_model_without_architecture_is_not_trainable(session: Session) -> None:
    onnx = repository.add(session, Model(name="runs-onnx", format="onnx"))
    with pytest.raises(service.NotTrainableError):
        service.create_training_job(session, onnx)


def _scores(session: Session, model: Model) -> list:
    session.flush()
    session.refresh(model)
    return list(model.scores)
