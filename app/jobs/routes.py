"""Job status: ``GET /api/v1/jobs/{id}`` and the live page ``/jobs/{id}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from app.core.db import SessionDep
from app.core.params import RowId
from app.core.templates import templates
from app.jobs import service
from app.jobs.schemas import JobRead

api_router = APIRouter(prefix="/jobs", tags=["jobs"])
page_router = APIRouter(include_in_schema=False)

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such job"}}


@api_router.get("/{job_id}", response_model=JobRead, responses=NOT_FOUND)
def get_job(job_id: RowId, session: SessionDep) -> JobRead:
    """Status, progress (0–1), message, log tail and the user-readable error of one job."""
    try:
        return JobRead.model_validate(service.read_job(session, job_id))
    except service.JobNotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None


@page_router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(job_id: RowId, request: Request, session: SessionDep) -> HTMLResponse:
    try:
        job = JobRead.model_validate(service.read_job(session, job_id))
    except service.JobNotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    return templates.TemplateResponse(request, "job.html", {"job": job})
