"""Administrator actions: users and quotas, deleting a model with its files, re-scoring."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.admin import repository
from app.admin.schemas import RescoreRequest, UserUpdate
from app.jobs.control import request_cancel
from app.submissions.service import remove_upload
from app.users.service import end_sessions, get_user
from foundation.config import Settings
from foundation.models import Job, Model, User
from foundation.runs.service import create_score_jobs, create_training_job
from foundation.storage import Storage, delete_prefix, storage_from_settings
from foundation.storage.keys import trained_weights_prefix

# The ``cpu-cifar10`` profile trains on the whole CIFAR-10 training set.
FULL_CIFAR10_PER_CLASS = 5000


class ModelNotFoundError(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"model {name!r} not found")


class UnknownBenchmarkError(LookupError):
    pass


def update_user(session: Session, user_id: int, change: UserUpdate) -> User:
    user = get_user(session, user_id)
    for field in change.model_fields_set:
        value = getattr(change, field)
        if field in {"role", "active"} and value is None:
            continue
        if field == "active" and value is False and user.active:
            end_sessions(user)  # a later reactivation does not revive old cookies
        setattr(user, field, value)
    return user


def delete_model(session: Session, settings: Settings, name: str) -> int:
    """Cancel its unfinished jobs, delete the row (its scores go with it) and its upload folders."""
    model = repository.model_by_name(session, name)
    if model is None:
        raise ModelNotFoundError(name)
    for job in repository.unfinished_jobs_of_model(session, model.id):
        request_cancel(session, job)
    submissions = list(repository.submission_ids_of_model(session, model.id))
    model_id, artifact = model.id, model.weights_artifact
    session.delete(model)
    if artifact is not None:
        session.delete(artifact)
    session.flush()
    delete_prefix(storage_from_settings(settings), trained_weights_prefix(model_id))
    return sum(remove_upload(settings, sid) > 0 for sid in submissions)


def retrain(session: Session, name: str, profile: str, admin: User) -> Job:
    """A training job for a model with a registry architecture (``foundation.runs`` refuses a
    second one while one is queued or running)."""
    model = repository.model_by_name(session, name)
    if model is None:
        raise ModelNotFoundError(name)
    per_class = FULL_CIFAR10_PER_CLASS if profile == "cpu-cifar10" else 500
    return create_training_job(session, model, profile, per_class=per_class, owner_id=admin.id)


def rescore(session: Session, storage: Storage, request: RescoreRequest) -> list[Job]:
    """Score jobs for one model (or every computed model that passed validation) on one
    benchmark (or every registered one); ``foundation.runs`` skips benchmarks whose data are
    missing."""
    models = _models_to_rescore(session, request.model)
    benchmarks = None if request.benchmark is None else [request.benchmark]
    try:
        return [
            job
            for model in models
            for job in create_score_jobs(session, model, benchmarks, storage=storage).jobs
        ]
    except KeyError as error:
        raise UnknownBenchmarkError(f"unknown benchmark {request.benchmark!r}") from error


def _models_to_rescore(session: Session, name: str | None) -> list[Model]:
    if name is None:
        return list(repository.scorable_models(session))
    model = repository.model_by_name(session, name)
    if model is None:
        raise ModelNotFoundError(name)
    return [model]
