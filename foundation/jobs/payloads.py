"""One pydantic model per job kind: what a job's row carries, checked when the job is created
and again by the worker before its handler runs (a row may predate a change, or be edited).

``create_job`` takes one of these; the row stores its JSON. A kind outside Ventral (a benchmark
script's own) registers its model with ``@job_payload``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class JobPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: ClassVar[str]


P = TypeVar("P", bound=type[JobPayload])
PAYLOADS: dict[str, type[JobPayload]] = {}


class PayloadError(ValueError):
    """A row's payload does not fit its kind's model; the message is fit for the job page."""


def job_payload(model: P) -> P:
    """Register ``model`` as the payload of jobs of ``model.kind``."""
    PAYLOADS[model.kind] = model
    return model


def parse_payload(kind: str, data: Mapping[str, Any]) -> JobPayload:
    model = PAYLOADS.get(kind)
    if model is None:
        raise PayloadError(f"no payload model for job kind {kind!r}")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise PayloadError(f"the {kind} job's payload is invalid: {describe(error)}") from None


def describe(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'payload'}: {problem['msg']}"
        for problem in error.errors()
    )


@job_payload
class SelfcheckPayload(JobPayload):
    """An operator's end-to-end test of the pipeline (``worker.handlers.selfcheck``)."""

    kind: ClassVar[str] = "selfcheck"
    steps: int = Field(default=5, ge=1, le=1000)
    step_seconds: float = Field(default=0.5, ge=0, le=60)
    fail_at_step: int | None = None  # fail there with a readable error
    crash_at_step: int | None = None  # raise an unexpected exception there


@job_payload
class ValidatePayload(JobPayload):
    kind: ClassVar[str] = "validate"
    submission_id: int


@job_payload
class ImportPayload(JobPayload):
    """Stored BrainIO files to load once: ``keys`` maps assembly, stimuli and images to keys."""

    kind: ClassVar[str] = "import"
    identifier: str
    stimulus_set_identifier: str
    keys: dict[str, str]


class RunRef(BaseModel):
    """The scoring run a score job belongs to: its id and every job of it."""

    model_config = ConfigDict(extra="forbid")
    id: str
    jobs: list[int]


@job_payload
class ScorePayload(JobPayload):
    """One model on one benchmark version, with the benchmark's parametrization."""

    kind: ClassVar[str] = "score"
    model: str
    model_id: int
    benchmark: str
    benchmark_id: int
    version: int
    params: dict[str, Any] = Field(default_factory=dict)
    run: RunRef | None = None


@job_payload
class TrainPayload(JobPayload):
    """Train a registry architecture with a profile, then score the model again.

    ``dataset`` is an ImageFolder tree or the CIFAR-10 zip folder (None: the configured
    ``training_data_dir``); ``benchmarks`` of the re-score (None: all)."""

    kind: ClassVar[str] = "train"
    model: str
    model_id: int
    architecture: str
    profile: str
    dataset: str | None = None
    per_class: int = Field(default=500, ge=1)
    val_per_class: int = Field(default=100, ge=1)
    epochs: int | None = Field(default=None, ge=1)
    nproc: int = Field(default=1, ge=1)
    max_steps: int | None = Field(default=None, ge=1)
    parametrization: str = "leaderboard"
    benchmarks: list[str] | None = None
