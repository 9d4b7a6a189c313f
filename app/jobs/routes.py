"""Job status: ``GET /api/v1/jobs/{id}`` and the live page ``/jobs/{id}``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.auth.csrf import check_csrf, csrf_token
from app.auth.dependencies import CurrentUser, OptionalUser
from app.core.db import SessionDep
from app.core.params import RowId
from app.core.templates import templates
from app.jobs import control
from app.jobs.schemas import JobRead
from app.jobs.service import describe_job
from app.submissions.upload import UploadError
from foundation.jobs import service

api_router = APIRouter(prefix="/jobs", tags=["jobs"])
page_router = APIRouter(include_in_schema=False)

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such job"}}


@api_router.get("/{job_id}", response_model=JobRead, responses=NOT_FOUND)
def get_job(job_id: RowId, session: SessionDep, viewer: OptionalUser) -> JobRead:
    """Status, progress (0–1), message, log tail and the user-readable error of one job
    (a user's jobs: for that user and administrators)."""
    try:
        return describe_job(session, control.visible_job(session, job_id, viewer), viewer)
    except service.JobNotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None


@page_router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    job_id: RowId, request: Request, session: SessionDep, viewer: OptionalUser
) -> HTMLResponse:
    try:
        job = describe_job(session, control.visible_job(session, job_id, viewer), viewer)
    except service.JobNotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    controls = viewer is not None and control.can_control(viewer, job_id, session)
    context = {"job": job, "csrf_token": csrf_token(request) if controls else None}
    return templates.TemplateResponse(request, "job.html", context)


@page_router.post("/jobs/{job_id}/{action}")
def job_action_page(
    job_id: RowId,
    action: Literal["cancel", "retry"],
    request: Request,
    session: SessionDep,
    viewer: OptionalUser,
    csrf: Annotated[str, Form(max_length=200, alias="csrf_token")] = "",
) -> RedirectResponse:
    """The job page's Cancel and Retry buttons (owner or admin, CSRF-checked)."""
    check_csrf(request, csrf)
    if viewer is None:
        raise HTTPException(status_code=401, detail="sign in to change a job")
    try:
        if action == "cancel":
            control.cancel_job(session, job_id, viewer)
        else:
            control.retry_job(session, job_id, viewer, request.app.state.settings)
    except service.JobNotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    except control.JobStateError as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    except UploadError as error:
        raise HTTPException(status_code=error.status_code, detail=str(error)) from None
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


CONFLICT: dict[int | str, dict[str, Any]] = {**NOT_FOUND, 409: {"description": "Wrong status"}}


@api_router.post("/{job_id}/cancel", response_model=JobRead, responses=CONFLICT)
def cancel_job(session: SessionDep, user: CurrentUser, job_id: RowId) -> JobRead:
    """Cancel your job: a queued one at once, a running one at its next progress report."""
    try:
        return JobRead.model_validate(control.cancel_job(session, job_id, user))
    except service.JobNotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    except control.JobStateError as error:
        raise HTTPException(status_code=409, detail=str(error)) from None


@api_router.post("/{job_id}/retry", response_model=JobRead, responses=CONFLICT)
def retry_job(request: Request, session: SessionDep, user: CurrentUser, job_id: RowId) -> JobRead:
    """Queue your failed or cancelled job again (counts against your concurrent-jobs quota)."""
    settings = request.app.state.settings
    try:
        return JobRead.model_validate(control.retry_job(session, job_id, user, settings))
    except service.JobNotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    except control.JobStateError as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    except UploadError as error:
        raise HTTPException(status_code=error.status_code, detail=str(error)) from None
