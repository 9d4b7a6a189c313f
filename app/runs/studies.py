"""The circuitry study (paper Fig. 4): CORnet-S variants trained with one profile and dataset,
each scored like any model; the study reports Δaccuracy and ΔBrain-Score vs the baseline.

A study is a ``study`` job row, written finished and never sent: its payload holds the plan
(variant → model name, training job), and ``study_result`` computes the deltas from the
current score rows, so the numbers follow re-scoring.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.reference_models.service import reference_model
from foundation.models import Job, JobStatus, Model, ScoreStatus, Source, utcnow
from foundation.runs import repository, service

STUDY_KIND = "study"
BASELINE = "cornet_s"
ACCURACY_BENCHMARK = "CIFAR10-top1"
ENGINEERING = frozenset({"CIFAR10-top1", "ImageNet-top1", "Digits-transfer"})


class StudyNotFoundError(LookupError):
    pass


class UnknownVariantError(ValueError):
    pass


def cornet_s_variants() -> list[str]:
    from scoring.models import list_models

    return list_models("cornet_s*")


def create_study(
    session: Session,
    name: str,
    variants: list[str],
    profile: str,
    dataset: str | None,
    owner_id: int | None = None,
    **training: Any,
) -> Job:
    """A model per variant (``<name>-<variant>``) and a training job for each."""
    variants = _checked(variants)
    members: dict[str, dict[str, Any]] = {}
    for variant in variants:
        model = _study_model(session, f"{name}-{variant}", variant)
        job = service.create_training_job(
            session, model, profile, dataset, owner_id=owner_id, **training
        )
        members[variant] = {"model": model.name, "train_job": job.id}
    payload = {"name": name, "profile": profile, "dataset": dataset, "members": members}
    now = utcnow()
    study = Job(
        kind=STUDY_KIND, status=JobStatus.succeeded, payload=payload, owner_id=owner_id,
        progress=1.0, message=f"study {name}: {len(variants)} variants", started_at=now,
        finished_at=now,
    )  # fmt: skip
    return repository.add(session, study)


def _checked(variants: list[str]) -> list[str]:
    known = cornet_s_variants()
    unknown = [variant for variant in variants if variant not in known]
    if unknown:
        raise UnknownVariantError(f"unknown variants {unknown}; known: {known}")
    return list(dict.fromkeys([BASELINE, *variants]))


def _study_model(session: Session, name: str, architecture: str) -> Model:
    model = repository.model_by_name(session, name)
    if model is not None:
        return model
    model = reference_model(session, name, architecture)
    model.model_metadata = {**model.model_metadata, "reference_model": False, "study": True}
    model.source = Source.computed
    return repository.add(session, model)


def read_study(session: Session, study_id: int) -> Job:
    study = session.get(Job, study_id)
    if study is None or study.kind != STUDY_KIND:
        raise StudyNotFoundError(f"study {study_id} not found")
    return study


def study_result(session: Session, study: Job) -> dict[str, Any]:
    """Per variant: accuracy, Brain-Score, and their differences from the baseline."""
    rows = {
        variant: _member_scores(session, member["model"])
        for variant, member in study.payload["members"].items()
    }
    base = rows.get(BASELINE, {})
    return {
        "id": study.id,
        "name": study.payload["name"],
        "profile": study.payload["profile"],
        "baseline": BASELINE,
        "accuracy_benchmark": ACCURACY_BENCHMARK,
        "variants": [
            {"variant": variant, **values, **_deltas(values, base)}
            for variant, values in rows.items()
        ],
    }


def _member_scores(session: Session, model_name: str) -> dict[str, Any]:
    model = repository.model_by_name(session, model_name)
    scores = [] if model is None else [s for s in model.scores if s.status == ScoreStatus.succeeded]
    brain = [
        s.ceiled
        for s in scores
        if s.ceiled is not None and not s.benchmark.synthetic and _is_brain(s.benchmark)
    ]
    accuracy = next((s.raw for s in scores if s.benchmark.identifier == ACCURACY_BENCHMARK), None)
    return {
        "model": model_name,
        "accuracy": accuracy,
        "brain_score": sum(brain) / len(brain) if brain else None,
        "n_brain_benchmarks": len(brain),
        "weights": None if model is None else model.model_metadata.get("weights"),
    }


def _is_brain(benchmark: Any) -> bool:
    """Brain benchmarks: every scored benchmark but the engineering (accuracy) ones."""
    return benchmark.identifier not in ENGINEERING


def _deltas(values: dict[str, Any], base: dict[str, Any]) -> dict[str, float | None]:
    return {
        f"delta_{key}": _difference(values.get(key), base.get(key))
        for key in ("accuracy", "brain_score")
    }


def _difference(value: float | None, base: float | None) -> float | None:
    return None if value is None or base is None else value - base
