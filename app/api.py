"""The ``/api/v1`` router: every domain's API routes, mounted under one prefix."""

from __future__ import annotations

from fastapi import APIRouter

from app.jobs.routes import api_router as jobs_api
from app.runs.routes import api_router as runs_api

API_PREFIX = "/api/v1"

api_router = APIRouter(prefix=API_PREFIX)
api_router.include_router(jobs_api)
api_router.include_router(runs_api)
