"""Accepting an upload: static inspection, then quotas, rows, storage, then the validation job.

Storage layout (``foundation.storage.keys``): ``uploads/<submission id>/weights.safetensors`` or
``.../model.onnx`` (+ ``.../manifest.json``), in whichever storage backend is configured; the
artifact row's ``path`` is that key. Bodies stream first into this host's staging folder
(``foundation.storage.scratch``), are stored once the rows exist, and the staging folder is
deleted whatever happens.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.submissions import repository
from app.submissions.schemas import SubmissionAccepted, SubmissionFields
from app.submissions.upload import ReceivedFile, ReceivedForm, UploadError
from app.users.service import quotas_of
from foundation.config import Settings
from foundation.jobs.payloads import ValidatePayload
from foundation.jobs.queues import USER_QUEUE
from foundation.jobs.service import create_job
from foundation.models import (
    Job,
    JobStatus,
    Model,
    ModelStatus,
    Role,
    Submission,
    SubmissionStatus,
    User,
    WeightArtifact,
    utcnow,
)
from foundation.storage import delete_prefix, put_file, storage_from_settings
from foundation.storage.keys import upload_manifest_key, upload_prefix
from scoring.models.inspection import (
    InspectionError,
    InspectionLimits,
    PickleRefusedError,
    UnsupportedFileError,
    check_user_filename,
    expected_for_architecture,
    inspect_upload,
    parse_manifest,
)
from scoring.models.inspection.filekind import CONVERT_HINT, PICKLE_EXTENSIONS

FILE_FIELD = "file"
STORED_NAMES = {".safetensors": "weights.safetensors", ".onnx": "model.onnx"}
VALIDATE_JOB = ValidatePayload.kind


class UnsupportedUploadError(UploadError):
    status_code = 415


class NameTakenError(UploadError):
    status_code = 409

    def __init__(self, name: str) -> None:
        super().__init__(f"a model named {name!r} already exists; choose another name")


class QuotaExceededError(UploadError):
    status_code = 429


class SubmissionNotFoundError(LookupError):
    def __init__(self, submission_id: int) -> None:
        super().__init__(f"submission {submission_id} not found")


def remove_upload(settings: Settings, submission_id: int) -> int:
    return delete_prefix(storage_from_settings(settings), upload_prefix(submission_id))


def stored_name(field: str, filename: str) -> str:
    """Our own name for the user's file; pickles and unknown kinds are refused from the name."""
    try:
        check_user_filename(filename)
    except InspectionError as error:
        raise UploadError(str(error)) from None
    suffix = Path(filename.replace("\\", "/")).suffix.lower()
    if suffix in PICKLE_EXTENSIONS:
        raise UnsupportedUploadError(
            f"{suffix} files are Python pickles, which can run code when loaded; {CONVERT_HINT}"
        )
    if suffix not in STORED_NAMES:
        raise UnsupportedUploadError(
            f"{filename!r}: upload safetensors weights (.safetensors) or an ONNX graph (.onnx)"
        )
    return STORED_NAMES[suffix]


def check_quotas(session: Session, settings: Settings, user: User) -> None:
    """429 when the user has too many jobs running or submitted too often (admins: no limit)."""
    if user.role is Role.admin:
        return
    quotas = quotas_of(user, settings)
    active = repository.active_jobs_of_kind(session, user.id, VALIDATE_JOB)
    if active >= quotas.concurrent_jobs:
        raise QuotaExceededError(
            f"you have {active} uploads being validated and the limit is {quotas.concurrent_jobs}; "
            "wait for one to finish or cancel one"
        )
    recent = repository.submissions_since(session, user.id, utcnow() - timedelta(days=1))
    counted = sum(counts_against_quota(submission) for submission in recent)
    if counted >= quotas.submissions_per_day:
        raise QuotaExceededError(
            f"you made {counted} submissions in the last 24 hours and the limit is "
            f"{quotas.submissions_per_day}; cancelled ones and ones that failed on our side "
            "do not count"
        )


def counts_against_quota(submission: Submission) -> bool:
    """Refused and accepted uploads count; a pending one unless its validation was cancelled or
    failed on our side (a refusal marks the submission refused before the job fails)."""
    if submission.status is not SubmissionStatus.pending:
        return True
    ended = {JobStatus.cancelled, JobStatus.failed}
    return not any(job.kind == VALIDATE_JOB and job.status in ended for job in submission.jobs)


def parse_fields(fields: dict[str, str]) -> SubmissionFields:
    values = {key: value for key, value in fields.items() if key != "csrf_token"}
    values = {key: value for key, value in values.items() if value != "" or key == "name"}
    try:
        return SubmissionFields.model_validate(values)
    except ValidationError as error:
        raise UploadError(_describe(error)) from None


def _describe(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "form"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


def inspect_file(upload: ReceivedFile, fields: SubmissionFields, settings: Settings) -> str:
    """Every static check before anything is stored: the file's format, header, keys, shapes,
    dtypes and values against the architecture, or the ONNX graph against its manifest."""
    limits = InspectionLimits(max_file_bytes=settings.max_upload_bytes)
    try:
        if upload.path.name == STORED_NAMES[".onnx"]:
            manifest = parse_manifest(_required_manifest(fields), limits)
            inspect_upload(upload.path, upload.filename, manifest=manifest, limits=limits)
            return "onnx"
        architecture = _required_architecture(fields)
        expected = expected_for_architecture(architecture)
        inspect_upload(
            upload.path, upload.filename, expected_weights=expected, architecture=architecture,
            limits=limits,
        )  # fmt: skip
        return "safetensors"
    except (PickleRefusedError, UnsupportedFileError) as error:
        raise UnsupportedUploadError(str(error)) from None
    except InspectionError as error:
        raise UploadError(str(error)) from None


def _required_manifest(fields: SubmissionFields) -> str:
    if not fields.manifest:
        raise UploadError(
            "an ONNX upload needs a manifest (input size, mean, std, region outputs); "
            "send it as the field 'manifest'"
        )
    return fields.manifest


def _required_architecture(fields: SubmissionFields) -> str:
    from scoring.models import list_models

    known = list_models()
    if fields.architecture not in known:
        given = f"{fields.architecture!r} is not" if fields.architecture else "no architecture is"
        raise UploadError(
            f"safetensors weights need a registered architecture; {given} one of: "
            + ", ".join(known)
        )
    return fields.architecture


def submit(
    session: Session, settings: Settings, user: User, form: ReceivedForm
) -> SubmissionAccepted:
    """Check the staged upload, add its rows, move it into place and queue its validation."""
    fields = parse_fields(form.fields)
    upload = form.files.get(FILE_FIELD)
    if upload is None:
        raise UploadError(f"attach the model file as the multipart field {FILE_FIELD!r}")
    file_format = inspect_file(upload, fields, settings)
    check_quotas(session, settings, user)
    if repository.model_by_name(session, fields.name) is not None:
        raise NameTakenError(fields.name)
    model, submission = _add_rows(session, user, fields, upload, file_format)
    assert model.weights_artifact is not None
    model.weights_artifact.path = store_upload(settings, submission.id, upload, fields.manifest)
    job = create_job(
        session,
        ValidatePayload(submission_id=submission.id),
        queue=USER_QUEUE,
        owner_id=user.id,
        model_id=model.id,
        submission_id=submission.id,
    )
    return SubmissionAccepted(
        submission_id=submission.id, job_id=job.id, model=model.name, status_url=f"/jobs/{job.id}"
    )


def store_upload(
    settings: Settings, submission_id: int, upload: ReceivedFile, manifest: str | None
) -> str:
    """Copy the staged file (and manifest) into storage; the weights' key."""
    storage = storage_from_settings(settings)
    prefix = upload_prefix(submission_id)
    if manifest:
        storage.write(upload_manifest_key(submission_id), [manifest.encode()])
    stored = put_file(storage, f"{prefix}/{upload.path.name}", upload.path)
    if stored.sha256 != upload.sha256:  # the staged file changed under us: keep nothing
        delete_prefix(storage, prefix)
        raise UploadError("the upload changed while it was being stored; send it again")
    return stored.key


def _add_rows(
    session: Session, user: User, fields: SubmissionFields, upload: ReceivedFile, file_format: str
) -> tuple[Model, Submission]:
    artifact = WeightArtifact(sha256=upload.sha256, size=upload.size, path="", format=file_format)
    metadata: dict[str, object] = dict(fields.metadata())
    if fields.manifest:
        metadata["manifest"] = json.loads(fields.manifest)
    model = Model(
        name=fields.name,
        owner_id=user.id,
        visibility=fields.visibility,
        architecture=fields.architecture if file_format == "safetensors" else None,
        format=file_format,
        status=ModelStatus.pending,
        weights_artifact=artifact,
        model_metadata=metadata,
    )
    submission = Submission(
        user_id=user.id, filename=upload.filename, size=upload.size, sha256=upload.sha256
    )
    try:
        repository.add_all(session, artifact, model, submission)
    except sa.exc.IntegrityError:
        raise NameTakenError(fields.name) from None
    submission.model_id = model.id
    return model, submission


def read_submission(session: Session, submission_id: int, viewer: User) -> Submission:
    """The submission, for its owner or an administrator; anyone else is told it does not exist."""
    submission = repository.get(session, submission_id)
    if submission is None or not can_see(viewer, submission.user_id):
        raise SubmissionNotFoundError(submission_id)
    return submission


def can_see(viewer: User | None, owner_id: int | None) -> bool:
    if viewer is None:
        return False
    return viewer.role is Role.admin or viewer.id == owner_id


def submissions_of(session: Session, user: User) -> list[Submission]:
    return list(repository.of_user(session, user.id))


def model_of(session: Session, submission: Submission) -> Model | None:
    return None if submission.model_id is None else session.get(Model, submission.model_id)


def validate_jobs(submission: Submission) -> list[Job]:
    return [job for job in submission.jobs if job.kind == VALIDATE_JOB]
