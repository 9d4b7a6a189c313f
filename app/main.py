"""The FastAPI application: ``create_app(settings)`` wires database, queue, routes and errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.admin.routes import page_router as admin_pages
from app.api import api_router
from app.api_docs.routes import page_router as api_docs_pages
from app.auth.routes import page_router as auth_pages
from app.auth.setup import install_auth
from app.catalog.routes import page_router as catalogue_pages
from app.core.errors import install_error_handlers
from app.core.headers import SecurityHeaders
from app.core.limits import BodySizeLimit
from app.core.nul_guard import NulInUrlGuard
from app.core.rate_limits import AddressLimits
from app.core.storage_errors import install_storage_error_handler
from app.core.templates import STATIC_DIR
from app.favicon.routes import router as favicon_router
from app.health.routes import router as health_router
from app.jobs.routes import page_router as job_pages
from app.leaderboard.public import install as install_board_views
from app.leaderboard.routes import router as leaderboard_pages
from app.leaderboard.warm import BoardWarmer
from app.plots.routes import page_router as plot_pages
from app.submissions.routes import page_router as submission_pages
from foundation.config import Settings, get_settings
from foundation.db import create_session_factory
from foundation.jobs.dispatch import JobDispatcher
from foundation.jobs.queues import celery_client
from foundation.startup import install_job_hooks
from foundation.storage.scratch import remove_stale_staging


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The leaderboard is built at start and after each change, not by the first request."""
    interval = app.state.settings.leaderboard_warm_seconds
    warmer = BoardWarmer(app, interval) if interval > 0 else None
    if warmer is not None:
        warmer.start()
    try:
        yield
    finally:
        if warmer is not None:
            warmer.stop()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    install_job_hooks()
    app = FastAPI(
        title="Ventral",
        version="0.1.0",
        summary="Brain-Score for your own lab.",
        # /docs and /redoc are app.api_docs's pages on vendored assets, without inline script.
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.session_factory = create_session_factory(settings)
    app.state.celery = celery_client(settings)
    app.state.job_sender = JobDispatcher(app.state.celery, app.state.session_factory)
    app.state.address_limits = AddressLimits.from_settings(settings)
    install_board_views(app, settings.leaderboard_cache_url)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(NulInUrlGuard)
    install_auth(app, settings)
    app.add_middleware(SecurityHeaders, https=settings.base_url.startswith("https://"))
    install_error_handlers(app)
    install_storage_error_handler(app)
    for router in (
        health_router,
        favicon_router,
        api_docs_pages,
        api_router,
        leaderboard_pages,
        job_pages,
        auth_pages,
        submission_pages,
        admin_pages,
        plot_pages,
        catalogue_pages,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    remove_stale_staging(settings)  # left by a web process killed during an upload
    return app
