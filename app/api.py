"""The ``/api/v1`` router: every domain's API routes, mounted under one prefix."""

from __future__ import annotations

from fastapi import APIRouter

from app.admin.routes import api_router as admin_api
from app.auth.routes import api_router as auth_api
from app.catalog.routes import api_router as catalogue_api
from app.jobs.routes import api_router as jobs_api
from app.leaderboard.routes import api_router as leaderboard_api
from app.plots.routes import api_router as plots_api
from app.runs.routes import api_router as runs_api
from app.submissions.routes import api_router as submissions_api

API_PREFIX = "/api/v1"

api_router = APIRouter(prefix=API_PREFIX)
api_router.include_router(jobs_api)
api_router.include_router(auth_api)
api_router.include_router(submissions_api)
api_router.include_router(admin_api)
api_router.include_router(leaderboard_api)
api_router.include_router(catalogue_api)
api_router.include_router(plots_api)
api_router.include_router(runs_api)
