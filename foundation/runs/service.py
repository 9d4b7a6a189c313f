"""Scoring runs (one ``score`` job per model × benchmark, then an aggregate step), training
runs (one ``train`` job on the ``gpu`` queue) and what their handlers write back.

The aggregate step runs inside the handler of whichever score job of a run finishes last: each
job commits its score row first and then checks the run under a lock on the model row, so the
last check always sees every row of the run. A score job that ends without its handler (the
sweep failed or cancelled it, or it was cancelled while queued) gets the same two steps from
``close_score_of_ended_job``, a hook of ``foundation.jobs`` (``foundation.startup``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from foundation.jobs.payloads import RunRef, ScorePayload, TrainPayload
from foundation.jobs.queues import GPU_QUEUE
from foundation.jobs.service import create_job
from foundation.models import (
    Benchmark,
    Job,
    JobStatus,
    Model,
    Score,
    ScoreStatus,
    WeightArtifact,
    utcnow,
)
from foundation.runs import repository
from foundation.runs.parametrizations import benchmark_params
from foundation.storage import Storage, StoredObject
from foundation.storage.keys import data_key

SCORE_QUEUE = GPU_QUEUE
CANCELLED = "cancelled before the score was finished"
TRAIN_QUEUE = GPU_QUEUE


class ModelNotFoundError(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"model {name!r} not found")


class NotTrainableError(ValueError):
    """The model has no registry architecture, so there is nothing to train."""


class TrainingAlreadyActiveError(ValueError):
    """The model already has a queued or running training job: one at a time."""

    def __init__(self, model: str, job_id: int) -> None:
        super().__init__(f"model {model!r} is already being trained by job {job_id}")
        self.job_id = job_id


@dataclass
class ScoringRun:
    run_id: str
    jobs: list[Job] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    already_running: dict[str, int] = field(default_factory=dict)


def read_model(session: Session, name: str) -> Model:
    model = repository.model_by_name(session, name)
    if model is None:
        raise ModelNotFoundError(name)
    return model


def default_benchmarks() -> list[str]:
    """Every registered benchmark, those of the opening leaderboard views first."""
    from scoring.benchmarks import list_benchmarks
    from scoring.benchmarks.presets import default_views_first

    return default_views_first(list_benchmarks())


def ensure_benchmark_row(session: Session, identifier: str, storage: Storage) -> Benchmark:
    """The row of the registered benchmark's current version (created when missing), with
    ``data_installed`` as the files are now."""
    row = _current_row(session, identifier)
    row.data_installed = not missing_data(identifier, storage)
    return row


def refresh_data_installed(session: Session, storage: Storage) -> dict[str, list[str]]:
    """Recompute ``data_installed`` of every registered benchmark; the files each one misses."""
    missing = {identifier: missing_data(identifier, storage) for identifier in default_benchmarks()}
    for identifier, files in missing.items():
        _current_row(session, identifier).data_installed = not files
    return missing


def _current_row(session: Session, identifier: str) -> Benchmark:
    from scoring.benchmarks import benchmark_info

    info = benchmark_info(identifier)
    row = repository.benchmark(session, identifier, info.version)
    return row if row is not None else repository.add(session, _benchmark_row(info))


def _benchmark_row(info: Any) -> Benchmark:
    return Benchmark(
        identifier=info.identifier,
        version=info.version,
        metric=info.metric,
        synthetic=info.synthetic,
        reference=info.reference,
        bibtex=info.bibtex,
        description=info.description,
        n_stimuli=info.n_stimuli,
        n_sites=info.n_sites,
        ceiling=info.published_ceiling,
    )


def missing_data(identifier: str, storage: Storage) -> list[str]:
    """The benchmark's files found neither in the repository's data folder nor in storage."""
    from scoring.benchmarks import load_benchmark

    in_repository = load_benchmark(identifier).missing_files()
    return [name for name in in_repository if not storage.exists(data_key(name))]


def create_score_jobs(
    session: Session,
    model: Model,
    benchmarks: list[str] | None = None,
    parametrization: str = "leaderboard",
    *,
    storage: Storage,
    queue: str = SCORE_QUEUE,
) -> ScoringRun:
    """One ``score`` job per benchmark on ``queue``, sent when the caller commits. A benchmark
    already being scored for this model is left to its running job; one whose data are not
    installed gets a failed score row with that reason and no job. An upload's own scoring goes
    to ``user-score`` (``foundation.submissions``); re-scoring and reference models to ``gpu``."""
    repository.lock_model(session, model.id)
    run = ScoringRun(run_id=uuid.uuid4().hex)
    for identifier in benchmarks or default_benchmarks():
        _add_score_job(session, storage, model, identifier, (parametrization, queue), run)
    job_ids = [job.id for job in run.jobs]
    ref = RunRef(id=run.run_id, jobs=job_ids)
    for job in run.jobs:
        payload = ScorePayload.model_validate(job.payload).model_copy(update={"run": ref})
        job.payload = payload.model_dump(mode="json")
    _set_run_metadata(model, run, job_ids)
    return run


def _add_score_job(
    session: Session,
    storage: Storage,
    model: Model,
    identifier: str,
    parametrization_and_queue: tuple[str, str],
    run: ScoringRun,
) -> None:
    parametrization, queue = parametrization_and_queue
    row = ensure_benchmark_row(session, identifier, storage)
    score = repository.score(session, model.id, row.id) or repository.add(
        session, Score(model_id=model.id, benchmark_id=row.id)
    )
    if repository.job_is_active(session, score.job_id):
        assert score.job_id is not None
        run.already_running[identifier] = score.job_id
        return
    if not row.data_installed:
        reason = data_not_installed_reason(missing_data(identifier, storage))
        _reset_score(score, None, ScoreStatus.failed, {"reason": reason})
        run.skipped[identifier] = reason
        return
    job = create_job(
        session,
        _score_payload(model, row, benchmark_params(parametrization, identifier)),
        queue=queue,
        owner_id=model.owner_id,
        model_id=model.id,
    )
    _reset_score(score, job.id, ScoreStatus.pending, {})
    run.jobs.append(job)


def data_not_installed_reason(missing: list[str]) -> str:
    return (
        f"data not installed: missing {', '.join(missing)} (import them with `ventral data import`)"
    )


def _reset_score(
    score: Score, job_id: int | None, status: ScoreStatus, details: dict[str, Any]
) -> None:
    score.job_id = job_id
    score.status = status
    score.details = details
    score.raw = score.ceiled = score.ceiling = score.error = None
    score.started_at = score.finished_at = None


def _score_payload(model: Model, benchmark: Benchmark, params: dict[str, Any]) -> ScorePayload:
    return ScorePayload(
        model=model.name,
        model_id=model.id,
        benchmark=benchmark.identifier,
        benchmark_id=benchmark.id,
        version=benchmark.version,
        params=params,
    )


def _set_run_metadata(model: Model, run: ScoringRun, job_ids: list[int]) -> None:
    summary = {
        "id": run.run_id,
        "jobs": job_ids,
        "status": "running" if job_ids else "complete",
        "started_at": utcnow().isoformat(),
        "skipped": run.skipped,
    }
    model.model_metadata = {**model.model_metadata, "scoring_run": summary}


@dataclass(frozen=True)
class ScoreTarget:
    """What a score job scores: the registry architecture and where its weights are, if any:
    a storage key (uploads, trained weights) or the absolute path of weights shipped with the
    code (reference models)."""

    architecture: str
    weights: str | None
    weights_metadata: dict[str, Any]


def score_target(session: Session, model_id: int) -> ScoreTarget:
    model = session.get(Model, model_id)
    if model is None or model.architecture is None:
        raise ModelNotFoundError(str(model_id))
    artifact = repository.artifact(session, model.weights_artifact_id)
    weights = artifact.path if artifact is not None else None
    return ScoreTarget(model.architecture, weights, dict(model.model_metadata.get("weights", {})))


def mark_score_running(session: Session, payload: ScorePayload, job_id: int) -> bool:
    values = {"status": ScoreStatus.running, "started_at": utcnow(), "finished_at": None}
    owned = _write_score(session, payload, job_id, values)
    if owned:
        _reopen_run(session, payload)
    return owned


def _reopen_run(session: Session, payload: ScorePayload) -> None:
    """A job of a completed run runs again (a retry): the run is running until it ends, when the
    aggregate step records the summary again."""
    run = payload.run
    model = repository.lock_model_if_present(session, payload.model_id)
    if model is None or run is None:
        return
    current = model.model_metadata.get("scoring_run") or {}
    if current.get("id") == run.id and current.get("status") == "complete":
        reopened = {key: value for key, value in current.items() if key != "finished_at"}
        model.model_metadata = {
            **model.model_metadata,
            "scoring_run": {**reopened, "status": "running"},
        }


def record_score(
    session: Session, payload: ScorePayload, job_id: int, values: dict[str, Any]
) -> bool:
    """Write a finished score in one statement: no reader sees half of it. False when a newer
    job has taken the row over (its result wins)."""
    values = {**values, "status": ScoreStatus.succeeded, "finished_at": utcnow()}
    return _write_score(session, payload, job_id, values)


def record_score_failure(session: Session, payload: ScorePayload, job_id: int, reason: str) -> bool:
    return _write_score(session, payload, job_id, _failure_values(reason))


def _failure_values(reason: str) -> dict[str, Any]:
    return {
        "status": ScoreStatus.failed,
        "finished_at": utcnow(),
        "details": {"reason": reason},
        **dict.fromkeys(("raw", "ceiled", "ceiling", "error")),
    }


def _write_score(
    session: Session,
    payload: ScorePayload,
    job_id: int,
    values: dict[str, Any],
    unfinished_only: bool = False,
) -> bool:
    return repository.update_score_of_job(
        session, payload.model_id, payload.benchmark_id, job_id, values, unfinished_only
    )


def close_score_of_ended_job(session: Session, job: Job) -> None:
    """The sweep failed or cancelled a score job, or it was cancelled while queued: its row says
    why (unless its handler already wrote the outcome), then the run may be complete."""
    try:
        payload = ScorePayload.model_validate(job.payload)
    except ValidationError:
        return  # not a row this code wrote: nothing to close
    if repository.lock_model_if_present(session, payload.model_id) is None:
        return
    values = _failure_values(ended_outside_handler_reason(job))
    _write_score(session, payload, job.id, values, unfinished_only=True)
    finish_run_if_complete(session, payload)


def ended_outside_handler_reason(job: Job) -> str:
    if job.status is JobStatus.cancelled:
        return CANCELLED
    return f"scoring failed: {job.error or 'the job ended without a result'}"


def finish_run_if_complete(session: Session, payload: ScorePayload) -> bool:
    """The aggregate step: once every score of the run is final, record the run's summary on
    the model (the leaderboard computes aggregates on read). True for the call that did it.
    Nothing to do for a deleted model."""
    run = payload.run
    model = repository.lock_model_if_present(session, payload.model_id)
    if model is None or run is None:
        return False
    current = model.model_metadata.get("scoring_run") or {}
    if current.get("id") != run.id or current.get("status") == "complete":
        return False
    scores = repository.scores_of_jobs(session, run.jobs)
    if len(scores) < len(run.jobs) or any(not _final(score) for score in scores):
        return False
    model.model_metadata = {
        **model.model_metadata,
        "scoring_run": {**current, **_run_summary(scores)},
    }
    return True


def _final(score: Score) -> bool:
    return score.status in repository.FINAL_SCORE


def _run_summary(scores: Any) -> dict[str, Any]:
    failed = {
        score.benchmark.identifier: score.details.get("reason", "")
        for score in scores
        if score.status == ScoreStatus.failed
    }
    return {
        "status": "complete",
        "finished_at": utcnow().isoformat(),
        "succeeded": sorted(
            score.benchmark.identifier for score in scores if score.status == ScoreStatus.succeeded
        ),
        "failed": failed,
    }


def create_training_job(
    session: Session,
    model: Model,
    profile: str = "cpu-quick",
    dataset: str | None = None,
    *,
    per_class: int = 500,
    val_per_class: int = 100,
    epochs: int | None = None,
    nproc: int = 1,
    max_steps: int | None = None,
    parametrization: str = "leaderboard",
    benchmarks: list[str] | None = None,
    owner_id: int | None = None,
) -> Job:
    """A ``train`` job on the gpu queue; when it finishes, the model is re-scored. A model has
    at most one training job queued or running (``TrainingAlreadyActiveError`` names it)."""
    if model.architecture is None:
        raise NotTrainableError(f"model {model.name!r} has no registry architecture to train")
    repository.lock_model(session, model.id)
    active = repository.active_training_job(session, model.id)
    if active is not None:
        raise TrainingAlreadyActiveError(model.name, active.id)
    payload = TrainPayload(
        model=model.name,
        model_id=model.id,
        architecture=model.architecture,
        profile=profile,
        dataset=dataset,
        per_class=per_class,
        val_per_class=val_per_class,
        epochs=epochs,
        nproc=nproc,
        max_steps=max_steps,
        parametrization=parametrization,
        benchmarks=benchmarks,
    )
    return create_job(session, payload, queue=TRAIN_QUEUE, owner_id=owner_id, model_id=model.id)


def attach_trained_weights(
    session: Session,
    model_id: int,
    result: dict[str, Any],
    stored: StoredObject,
    parametrization: str = "leaderboard",
    benchmarks: list[str] | None = None,
    *,
    storage: Storage,
) -> ScoringRun:
    """The stored weights become the model's artifact; then the model is scored again."""
    model = repository.lock_model(session, model_id)
    artifact = repository.add(
        session,
        WeightArtifact(
            sha256=stored.sha256, size=stored.size, path=stored.key, format="safetensors"
        ),
    )
    model.weights_artifact_id = artifact.id
    model.model_metadata = {**model.model_metadata, "weights": _weights_metadata(result)}
    return create_score_jobs(session, model, benchmarks, parametrization, storage=storage)


def _weights_metadata(result: dict[str, Any]) -> dict[str, Any]:
    keys = ("num_classes", "input_size", "mean", "std", "profile", "epochs_done", "classes")
    history = result.get("history") or [{}]
    return {
        **{key: result.get(key) for key in keys},
        "val_accuracy": history[-1].get("val_accuracy"),
        "trained_at": utcnow().isoformat(),
    }
