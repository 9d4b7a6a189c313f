"""``/admin`` and ``/api/v1/admin/...``: administrators only (403 for everyone else)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.admin import dataimport, repository, service
from app.admin.schemas import JobsCreated, ModelDeleted, RescoreRequest, UserUpdate
from app.auth.csrf import check_csrf, csrf_token
from app.auth.dependencies import AdminUser, admin_user, session_user
from app.auth.schemas import UserRead
from app.core.db import SessionDep
from app.core.params import RowId
from app.core.templates import templates
from app.jobs.schemas import JobRead
from app.submissions.schemas import MODEL_NAME_PATTERN
from app.submissions.upload import UploadError, receive_multipart
from app.users import service as users
from foundation.config import Settings
from foundation.models import Role, User
from foundation.runs.service import NotTrainableError, TrainingAlreadyActiveError
from foundation.storage import storage_from_settings
from foundation.storage.scratch import new_staging_folder, remove_staging

api_router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(admin_user)])
page_router = APIRouter(include_in_schema=False)
UserId = RowId
ModelName = Annotated[str, Path(pattern=MODEL_NAME_PATTERN)]
CsrfField = Annotated[str, Form(max_length=200, alias="csrf_token")]
ADMIN_ONLY: dict[int | str, dict[str, Any]] = {403: {"description": "Administrators only"}}
_TEXT = {"type": "string"}
_FILE = {"type": "string", "format": "binary"}
DATA_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["stimuli", "images", "assembly"],
                    "properties": {
                        "identifier": {"type": "string", "pattern": MODEL_NAME_PATTERN},
                        "stimulus_set_identifier": {
                            "type": "string",
                            "pattern": MODEL_NAME_PATTERN,
                        },
                        "stimuli": _FILE,
                        "images": _FILE,
                        "assembly": _FILE,
                        "stimuli_sha1": _TEXT,
                        "images_sha1": _TEXT,
                        "assembly_sha1": _TEXT,
                    },
                }
            }
        },
    }
}


@api_router.get("/users", response_model=list[UserRead], responses=ADMIN_ONLY)
def list_users(session: SessionDep) -> list[UserRead]:
    return [UserRead.model_validate(user) for user in users.list_users(session)]


@api_router.patch("/users/{user_id}", response_model=UserRead, responses=ADMIN_ONLY)
def update_user(user_id: UserId, change: UserUpdate, session: SessionDep) -> UserRead:
    """Change a user's role, activity or quotas (null quota: the server default)."""
    try:
        return UserRead.model_validate(service.update_user(session, user_id, change))
    except users.UserNotFoundError as error:
        raise HTTPException(404, str(error)) from None


@api_router.delete("/models/{name}", response_model=ModelDeleted, responses=ADMIN_ONLY)
def delete_model(name: ModelName, request: Request, session: SessionDep) -> ModelDeleted:
    """Delete a model with its scores and uploaded files; its unfinished jobs are cancelled."""
    try:
        removed = service.delete_model(session, request.app.state.settings, name)
    except service.ModelNotFoundError as error:
        raise HTTPException(404, str(error)) from None
    return ModelDeleted(model=name, removed_folders=removed)


@api_router.post(
    "/rescore", response_model=JobsCreated, status_code=202, responses={**ADMIN_ONLY, 404: {}}
)
def rescore(body: RescoreRequest, request: Request, session: SessionDep) -> JobsCreated:
    """Score a model (or every model) on a benchmark (or every benchmark) again."""
    storage = storage_from_settings(request.app.state.settings)
    try:
        return JobsCreated(job_ids=[job.id for job in service.rescore(session, storage, body)])
    except (service.ModelNotFoundError, service.UnknownBenchmarkError) as error:
        raise HTTPException(404, str(error)) from None


@api_router.post(
    "/data/import",
    response_model=JobRead,
    status_code=202,
    openapi_extra=DATA_BODY,
    responses={**ADMIN_ONLY, 400: {}, 409: {}, 413: {}},
)
async def import_data(request: Request, user: AdminUser, session: SessionDep) -> JobRead:
    """Store BrainIO files (stimulus CSV + ZIP, netCDF assembly) under their BrainIO names after
    format and optional SHA1 checks, and queue the ``import`` job that loads them."""
    return await receive_data(request, user, session)


async def receive_data(request: Request, user: User, session: SessionDep) -> JobRead:
    settings: Settings = request.app.state.settings
    staging = new_staging_folder(settings)
    try:
        form = await receive_multipart(
            request.stream(),
            request.headers.get("content-type"),
            staging,
            file_fields=frozenset(dataimport.DATA_FILES),
            max_file_bytes=settings.max_upload_bytes,
            namer=dataimport.stored_data_name,
        )
        if not request.url.path.startswith("/api"):
            check_csrf(request, form.fields.get("csrf_token"))
        job = await run_in_threadpool(dataimport.install, session, settings, user.id, form)
        return JobRead.model_validate(job)
    except UploadError as error:
        raise HTTPException(error.status_code, str(error)) from None
    finally:
        remove_staging(staging)


def _page_admin(request: Request, session: SessionDep) -> User:
    user = session_user(request, session)
    if user is None or user.role is not Role.admin:
        raise HTTPException(403, "administrators only")
    return user


@page_router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, session: SessionDep) -> HTMLResponse:
    _page_admin(request, session)
    context = {
        "csrf_token": csrf_token(request),
        "users": users.list_users(session),
        "models": repository.computed_models(session),
        "jobs": repository.recent_jobs(session),
        "settings": request.app.state.settings,
    }
    return templates.TemplateResponse(request, "admin.html", context)


@page_router.post("/admin/users/{user_id}")
def admin_update_user(
    request: Request,
    session: SessionDep,
    user_id: UserId,
    csrf: CsrfField = "",
    role: Annotated[Role, Form()] = Role.user,
    active: Annotated[bool, Form()] = False,
    submissions_per_day: Annotated[str, Form(max_length=10)] = "",
    concurrent_jobs: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    check_csrf(request, csrf)
    _page_admin(request, session)
    try:
        change = UserUpdate(
            role=role,
            active=active,
            submissions_per_day=int(submissions_per_day) if submissions_per_day else None,
            concurrent_jobs=int(concurrent_jobs) if concurrent_jobs else None,
        )
        service.update_user(session, user_id, change)
    except ValueError as error:
        raise HTTPException(400, f"invalid quota: {error}") from None
    except users.UserNotFoundError as error:
        raise HTTPException(404, str(error)) from None
    return RedirectResponse("/admin", status_code=303)


@page_router.post("/admin/models/{name}/delete")
def admin_delete_model(
    request: Request, session: SessionDep, name: ModelName, csrf: CsrfField = ""
) -> Response:
    check_csrf(request, csrf)
    _page_admin(request, session)
    try:
        service.delete_model(session, request.app.state.settings, name)
    except service.ModelNotFoundError as error:
        raise HTTPException(404, str(error)) from None
    return RedirectResponse("/admin", status_code=303)


@page_router.post("/admin/models/{name}/retrain")
def admin_retrain_model(
    request: Request,
    session: SessionDep,
    name: ModelName,
    csrf: CsrfField = "",
    profile: Annotated[Literal["cpu-quick", "cpu-cifar10", "paper"], Form()] = "cpu-quick",
) -> Response:
    """The Retrain button of the admin and model pages: to the new job, or to the one running."""
    check_csrf(request, csrf)
    admin = _page_admin(request, session)
    try:
        job = service.retrain(session, name, profile, admin)
    except service.ModelNotFoundError as error:
        raise HTTPException(404, str(error)) from None
    except NotTrainableError as error:
        raise HTTPException(409, str(error)) from None
    except TrainingAlreadyActiveError as error:
        context = {
            "status_code": 409,
            "detail": str(error),
            "link": f"/jobs/{error.job_id}",
            "link_text": f"the running training job {error.job_id}",
        }
        return templates.TemplateResponse(request, "error.html", context, status_code=409)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@page_router.post("/admin/data/import")
async def admin_import_data(request: Request, session: SessionDep) -> Response:
    user = await run_in_threadpool(_page_admin, request, session)
    job = await receive_data(request, user, session)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
