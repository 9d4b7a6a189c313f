"""``train``: train a registry architecture with a profile, then make the weights the model's
artifact and score the model again.

Payload: ``foundation.jobs.payloads.TrainPayload`` (built by
``foundation.runs.service.create_training_job``). Checkpoints live in
``storage/training/<model>/``; a job delivered again after its worker died resumes after the
last finished epoch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from foundation.jobs.lifecycle import JobYieldedError
from foundation.jobs.payloads import TrainPayload
from foundation.jobs.service import user_work_waiting
from foundation.runs.service import attach_trained_weights
from foundation.storage import put_file, shared_folder
from foundation.storage.keys import trained_weights_key, training_prefix
from worker import runtime
from worker.handlers import JobFailedError, JobReporter, register_handler
from worker.handlers.score import release_memory, runtime_device, session

REPORT_EVERY_SECONDS = 1.0


@register_handler("train")
def run_train(payload: TrainPayload, report: JobReporter) -> dict[str, Any]:
    from scoring.training.isolated import TrainingFailed, train_in_subprocess

    yield_to_user_work("before training")
    out_dir = training_dir(payload.model)
    data = training_data(payload, out_dir, report)
    report.log(f"training {payload.architecture} ({payload.profile}) on {data}")
    try:
        result = train_in_subprocess(
            payload.architecture,
            data,
            training_profile(payload),
            out_dir,
            nproc=payload.nproc,
            device=runtime_device(),
            resume=True,
            progress=ProgressForwarder(report),
            max_steps=payload.max_steps,
        )
    except TrainingFailed as error:
        raise JobFailedError(f"training failed: {error}") from None
    finally:
        release_memory()
    return _attach(payload, result.to_json(), report)


def yield_to_user_work(where: str) -> None:
    """Give the worker back (the job is re-queued and resumes from its last checkpoint) while
    an upload's validation or scoring waits or runs: on a few cores, user work goes first."""
    if not runtime.settings().training_yields_to_user_work:
        return
    with session() as db:
        waiting = user_work_waiting(db)
    if waiting:
        raise JobYieldedError(f"paused {where} so that uploads are validated and scored first")


def _attach(payload: TrainPayload, result: dict[str, Any], report: JobReporter) -> dict[str, Any]:
    model_id = payload.model_id
    key = trained_weights_key(model_id, result["sha256"])
    stored = put_file(runtime.storage(), key, Path(result["weights_path"]))
    with session() as db:
        run = attach_trained_weights(
            db,
            model_id,
            result,
            stored,
            payload.parametrization,
            payload.benchmarks,
            storage=runtime.storage(),
        )
        score_jobs = [job.id for job in run.jobs]
    report.log(f"weights {result['sha256'][:12]} attached; score jobs {score_jobs}")
    summary = {key: result[key] for key in ("sha256", "epochs_done", "resumed_from_epoch")}
    return {**summary, "score_jobs": score_jobs, "history": result.get("history", [])}


def training_dir(model: str) -> Path:
    """Checkpoints live here: on the shared storage volume, so another host's worker taking the
    job over resumes them; with an object store, in this host's scratch folder."""
    return shared_folder(runtime.settings(), runtime.storage(), training_prefix(model)) / "output"


def training_data(payload: TrainPayload, out_dir: Path, report: JobReporter) -> Path:
    """The dataset folder; the CIFAR-10 zips become a stratified ImageFolder subset in storage."""
    from scoring.training.cifar10 import training_folder

    dataset = Path(payload.dataset or runtime.settings().training_data_dir)
    if not dataset.is_dir():
        raise JobFailedError(f"training data not found: {dataset} is not a folder on the worker")
    report.progress(0.0, "preparing the training images")
    per_class = payload.per_class
    val_per_class = payload.val_per_class
    return training_folder(dataset, out_dir.parent / "data", per_class, val_per_class)


def training_profile(payload: TrainPayload) -> Any:
    """The named profile, with the payload's ``epochs`` when it sets one (short test runs)."""
    from scoring.training.profiles import get_profile

    try:
        profile = get_profile(payload.profile)
    except (KeyError, ValueError) as error:
        raise JobFailedError(f"unknown training profile: {error}") from None
    epochs = payload.epochs
    return profile if epochs is None else replace(profile, epochs=epochs)


class ProgressForwarder:
    """Writes training reports to the job row: at most one write a second, every epoch end."""

    def __init__(
        self, report: JobReporter, between_epochs: Callable[[str], None] = yield_to_user_work
    ) -> None:
        self.report = report
        self.between_epochs = between_epochs
        self.last = 0.0

    def __call__(self, progress: Any) -> None:
        now = time.monotonic()
        if progress.phase != "epoch" and now - self.last < REPORT_EVERY_SECONDS:
            return
        self.last = now
        self.report.progress(progress.fraction_done, describe(progress))
        if progress.phase == "epoch":
            self.report.log(describe(progress))
            if progress.epoch + 1 < progress.epochs:
                self.between_epochs(f"after epoch {progress.epoch + 1}/{progress.epochs}")


def describe(progress: Any) -> str:
    text = (
        f"epoch {progress.epoch + 1}/{progress.epochs} step {progress.step} "
        f"loss {progress.loss:.3f} accuracy {progress.accuracy:.3f} "
        f"{progress.images_per_second:.0f} images/s"
    )
    if progress.val_accuracy is not None:
        text += f" val accuracy {progress.val_accuracy:.3f}"
    return text
