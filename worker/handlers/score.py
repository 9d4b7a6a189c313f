"""``score``: one model on one benchmark; writes its score row, then tries the aggregate step.

Payload: ``foundation.jobs.payloads.ScorePayload``, built by
``foundation.runs.service.create_score_jobs``.
Every outcome lands on the score row: the score, or the reason it failed.
"""

from __future__ import annotations

import gc
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from foundation.jobs.lifecycle import JobCancelledError, LostOwnershipError
from foundation.jobs.payloads import ScorePayload
from foundation.runs import service
from foundation.storage import ObjectNotFoundError, shared_folder
from foundation.storage.keys import ACTIVATIONS
from worker import runtime
from worker.benchmark_data import benchmark_data_dirs
from worker.handlers import JobFailedError, JobReporter, register_handler

REPLACED = "a newer scoring job replaced this one; its result was not kept"


@register_handler("score")
def run_score(payload: ScorePayload, report: JobReporter) -> dict[str, Any]:
    job_id = report.job_id
    target = _claim_row(payload, job_id)
    try:
        values = _score(payload, target, report)
    except (JobCancelledError, LostOwnershipError) as stop:
        if isinstance(stop, JobCancelledError):
            _record_failure(payload, job_id, service.CANCELLED)
        raise
    except Exception as error:
        reason = failure_reason(error)
        report.log(traceback.format_exc())
        _record_failure(payload, job_id, reason)
        raise JobFailedError(reason) from None
    if not _record(payload, lambda db: service.record_score(db, payload, job_id, values)):
        raise JobFailedError(REPLACED)
    return {"benchmark": payload.benchmark, **_headline(values)}


def _claim_row(payload: ScorePayload, job_id: int) -> service.ScoreTarget:
    with session() as db:
        target = service.score_target(db, payload.model_id)
        owned = service.mark_score_running(db, payload, job_id)
    if not owned:
        raise JobFailedError(REPLACED)
    return target


def _record_failure(payload: ScorePayload, job_id: int, reason: str) -> None:
    _record(payload, lambda db: service.record_score_failure(db, payload, job_id, reason))


def _record(payload: ScorePayload, write: Callable[[Session], bool]) -> bool:
    """Write the row (its own transaction), then try the run's aggregate step."""
    with session() as db:
        kept = write(db)
    with session() as db:
        service.finish_run_if_complete(db, payload)
    return kept


def _score(
    payload: ScorePayload, target: service.ScoreTarget, report: JobReporter
) -> dict[str, Any]:
    from scoring.benchmarks.run import score_model

    architecture = scoring_architecture(target.architecture, target.weights_metadata)
    report.log(f"scoring {payload.model} ({architecture}) on {payload.benchmark}")
    data_dirs = benchmark_data_dirs(runtime.settings(), runtime.storage(), payload.benchmark)
    try:
        score = score_model(
            architecture,
            payload.benchmark,
            weights=weights_file(target.weights),
            device=runtime_device(),
            data_dir=data_dirs,
            progress=report.progress,
            cache_dir=shared_folder(runtime.settings(), runtime.storage(), ACTIVATIONS),
            **payload.params,
        )
    finally:
        release_memory()
    return {
        "raw": finite(score.raw),
        "ceiling": finite(score.ceiling),
        "ceiled": finite(score.ceiled),
        "error": finite(score.error),
        "details": {**score.to_json().get("details", {}), "params": payload.params},
    }


def weights_file(location: str | None) -> Path | None:
    """The weights as a file on this host (see ``ScoreTarget``)."""
    if location is None:
        return None
    if Path(location).is_absolute():
        return Path(location)
    try:
        return runtime.local_object(location)
    except ObjectNotFoundError:
        raise JobFailedError(
            f"the model's weights are gone from the storage ({location})"
        ) from None


def _headline(values: dict[str, Any]) -> dict[str, Any]:
    return {key: values[key] for key in ("raw", "ceiled", "error")}


def failure_reason(error: Exception) -> str:
    from scoring.benchmarks import DataNotInstalled, NotApplicable

    if isinstance(error, DataNotInstalled):
        return str(error)
    if isinstance(error, NotApplicable):
        return f"not applicable: {error}"
    return f"scoring failed: {type(error).__name__}: {error}"


def finite(value: float | None) -> float | None:
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return None
    return float(value)


def scoring_architecture(architecture: str, weights: dict[str, Any]) -> str:
    """The registry entry to score with: ``architecture`` itself, or a variant registered in
    this process with the head size and input size that trained weights were saved with."""
    from scoring.models import model_info
    from scoring.models.registry import MODELS
    from scoring.training.models import build_model

    info = model_info(architecture)
    classes = int(weights.get("num_classes") or info.num_classes)
    size = int(weights.get("input_size") or info.input_size)
    if (classes, size) == (info.num_classes, info.input_size):
        return architecture
    name = f"{architecture}@{classes}classes-{size}px"
    if name not in MODELS:
        variant = replace(
            info, name=name, num_classes=classes, input_size=size, default_weights=None
        )
        MODELS.register(name, variant)(lambda **_: build_model(architecture, classes))
    return name


def runtime_device() -> str:
    import torch

    configured = runtime.settings().device
    if configured != "auto":
        return configured
    return "cuda" if torch.cuda.is_available() else "cpu"


def release_memory() -> None:
    """Give back what a finished model held (GPU memory included) before the next task."""
    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def session() -> AbstractContextManager[Session]:
    """A unit of work of this worker: commits, then sends the jobs it created."""
    return runtime.unit_of_work()
