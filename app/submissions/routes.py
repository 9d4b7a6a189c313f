"""``POST /api/v1/submissions`` (multipart; token or session + CSRF header), reads, ``/submit``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.auth.csrf import csrf_token
from app.auth.dependencies import CurrentUser, session_user
from app.core.db import SessionDep
from app.core.params import RowId
from app.core.rate_limits import limit
from app.core.templates import templates
from app.submissions import service
from app.submissions.architectures import architecture_choices
from app.submissions.schemas import MODEL_NAME_PATTERN, SubmissionAccepted, SubmissionRead
from app.submissions.upload import UploadError, receive_multipart
from foundation.config import Settings
from foundation.models import Submission
from foundation.storage.scratch import new_staging_folder, remove_staging

api_router = APIRouter(prefix="/submissions", tags=["submissions"])
page_router = APIRouter(include_in_schema=False)
SubmissionId = RowId

_TEXT = {"type": "string"}
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["name", "file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "name": {"type": "string", "pattern": MODEL_NAME_PATTERN},
                        "visibility": {"type": "string", "enum": ["public", "private"]},
                        "architecture": _TEXT,
                        "manifest": _TEXT,
                        "reference": _TEXT,
                        "bibtex": _TEXT,
                        "training_data": _TEXT,
                        "description": _TEXT,
                    },
                }
            }
        },
    }
}
REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"description": "The upload fails a check; the detail says which"},
    401: {"description": "Not signed in"},
    409: {"description": "The model name is taken"},
    413: {"description": "The file is over the size cap"},
    415: {"description": "Not safetensors or ONNX (pickles are refused)"},
    429: {"description": "Over a quota, or too many uploads from this address (Retry-After)"},
}


@api_router.post(
    "",
    status_code=202,
    response_model=SubmissionAccepted,
    openapi_extra=UPLOAD_BODY,
    responses=REFUSALS,
)
async def create_submission(
    request: Request, user: CurrentUser, session: SessionDep
) -> SubmissionAccepted:
    """Upload a model: safetensors weights for a registered ``architecture``, or an ONNX graph
    with its ``manifest``. Checked statically at once; its forward pass runs in a validation job
    whose id comes back (202)."""
    settings: Settings = request.app.state.settings
    limit(request, "upload")
    staging = new_staging_folder(settings)
    try:
        # Quotas are counted in ``submit``, after every check the upload itself decides (file
        # kind, size, header): a refused file gets its own reason, never a quota message.
        form = await receive_multipart(
            request.stream(),
            request.headers.get("content-type"),
            staging,
            file_fields=frozenset({service.FILE_FIELD}),
            max_file_bytes=settings.max_upload_bytes,
            namer=service.stored_name,
        )
        return await run_in_threadpool(service.submit, session, settings, user, form)
    except UploadError as error:
        raise HTTPException(error.status_code, str(error)) from None
    finally:
        remove_staging(staging)


@api_router.get("", response_model=list[SubmissionRead])
def list_submissions(user: CurrentUser, session: SessionDep) -> list[SubmissionRead]:
    """Your submissions, newest first."""
    return [describe(session, item) for item in service.submissions_of(session, user)]


@api_router.get("/{submission_id}", response_model=SubmissionRead, responses={404: {}})
def get_submission(
    submission_id: SubmissionId, user: CurrentUser, session: SessionDep
) -> SubmissionRead:
    """One of your submissions (administrators: anyone's)."""
    try:
        return describe(session, service.read_submission(session, submission_id, user))
    except service.SubmissionNotFoundError as error:
        raise HTTPException(404, str(error)) from None


def describe(session: SessionDep, submission: Submission) -> SubmissionRead:
    model = service.model_of(session, submission)
    return SubmissionRead(
        id=submission.id,
        model=model.name if model else None,
        model_status=model.status if model else None,
        visibility=model.visibility if model else None,
        filename=submission.filename,
        size=submission.size,
        sha256=submission.sha256,
        status=submission.status,
        created_at=submission.created_at,
        job_ids=[job.id for job in submission.jobs],
    )


@page_router.get("/submit", response_class=HTMLResponse)
def submit_page(request: Request, session: SessionDep) -> Response:
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/signin?next=/submit", status_code=303)
    context = {
        "csrf_token": csrf_token(request),
        "architectures": architecture_choices(),
        "max_upload_bytes": request.app.state.settings.max_upload_bytes,
        "submissions": [describe(session, item) for item in service.submissions_of(session, user)],
    }
    return templates.TemplateResponse(request, "submit.html", context)
