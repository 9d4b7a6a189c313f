"""Run routes: score and retrain a model (admin), launch and read circuitry studies."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status

from app.auth.dependencies import AdminUser
from app.catalog.visibility import ViewerDep, can_see
from app.core.db import SessionDep
from app.core.params import RowId
from app.runs import studies
from app.runs.schemas import (
    JobCreated,
    ModelRunRead,
    RetrainRequest,
    ScoreRead,
    ScoreRequest,
    ScoringRunCreated,
    StudyCreated,
    StudyRequest,
)
from foundation.models import Score
from foundation.runs import service
from foundation.runs.parametrizations import UnknownParametrizationError
from foundation.storage import storage_from_settings

api_router = APIRouter(tags=["runs"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such model or study"}}


@api_router.post(
    "/admin/models/{name}/retrain", status_code=202, response_model=JobCreated, responses=NOT_FOUND
)
def retrain(name: str, body: RetrainRequest, session: SessionDep, admin: AdminUser) -> JobCreated:
    """Train the model's architecture on the gpu queue; the new weights are then scored."""
    model = _model(session, name)
    try:
        job = service.create_training_job(session, model, owner_id=admin.id, **body.model_dump())
    except service.NotTrainableError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
    except service.TrainingAlreadyActiveError as error:
        detail = f"{error}: /jobs/{error.job_id}"
        raise HTTPException(status.HTTP_409_CONFLICT, detail) from None
    return JobCreated(job_id=job.id)


@api_router.post(
    "/admin/models/{name}/score",
    status_code=202,
    response_model=ScoringRunCreated,
    responses=NOT_FOUND,
)
def score(
    name: str, body: ScoreRequest, request: Request, session: SessionDep, _: AdminUser
) -> ScoringRunCreated:
    """One score job per benchmark (default: every registered benchmark)."""
    model = _model(session, name)
    storage = storage_from_settings(request.app.state.settings)
    try:
        run = service.create_score_jobs(
            session, model, body.benchmarks, body.parametrization, storage=storage
        )
    except (KeyError, UnknownParametrizationError) as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    return ScoringRunCreated(
        run_id=run.run_id,
        job_ids=[job.id for job in run.jobs],
        skipped=run.skipped,
        already_running=run.already_running,
    )


@api_router.get("/runs/models/{name}", response_model=ModelRunRead, responses=NOT_FOUND)
def model_run(name: str, session: SessionDep, viewer: ViewerDep) -> ModelRunRead:
    """The model's last scoring run and every computed score row, failures with their reason."""
    model = _model(session, name)
    if not can_see(model, viewer):  # private, pending and refused uploads: owner and admins
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"model {name!r} not found")
    rows = sorted(model.scores, key=lambda row: row.benchmark.identifier)
    return ModelRunRead(
        model=model.name,
        scoring_run=model.model_metadata.get("scoring_run"),
        scores=[score_read(row) for row in rows],
    )


@api_router.post("/admin/studies", status_code=202, response_model=StudyCreated)
def launch_study(body: StudyRequest, session: SessionDep, admin: AdminUser) -> StudyCreated:
    """Train and score a set of CORnet-S variants (the baseline is always included)."""
    training = body.model_dump(exclude={"name", "variants", "profile", "dataset"})
    try:
        study = studies.create_study(
            session, body.name, body.variants, body.profile, body.dataset, admin.id, **training
        )
    except studies.UnknownVariantError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    return StudyCreated(study_id=study.id, members=study.payload["members"])


@api_router.get("/studies/{study_id}", responses=NOT_FOUND)
def read_study(study_id: RowId, session: SessionDep) -> dict[str, Any]:
    """Δaccuracy and ΔBrain-Score of each variant against the baseline (paper Fig. 4)."""
    try:
        return studies.study_result(session, studies.read_study(session, study_id))
    except studies.StudyNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None


def _model(session: SessionDep, name: str) -> Any:
    try:
        return service.read_model(session, name)
    except service.ModelNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None


def score_read(row: Score) -> ScoreRead:
    return ScoreRead(
        benchmark=row.benchmark.identifier,
        version=row.benchmark.version,
        status=row.status,
        raw=row.raw,
        ceiling=row.ceiling,
        ceiled=row.ceiled,
        error=row.error,
        reason=row.details.get("reason"),
        details=row.details,
        job_id=row.job_id,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )
