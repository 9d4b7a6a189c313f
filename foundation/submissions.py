"""A validated upload's outcome: accepted (the model is ready and scored) or refused (nothing
of it stays). The ``validate`` job decides; these functions write it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from foundation.jobs.queues import USER_SCORE_QUEUE
from foundation.models import Model, ModelStatus, Submission, SubmissionStatus
from foundation.runs.service import ScoringRun, create_score_jobs
from foundation.storage import Storage, delete_prefix
from foundation.storage.keys import upload_prefix


def accept_submission(
    session: Session,
    submission_id: int,
    model_id: int,
    commitments: dict[str, Any],
    metadata: dict[str, Any],
    *,
    storage: Storage,
) -> ScoringRun | None:
    """The model is ready with its commitments; its score jobs (every registered benchmark) go
    out when the caller commits. None when the model or submission was deleted meanwhile."""
    model = session.get(Model, model_id)
    submission = session.get(Submission, submission_id)
    if model is None or submission is None:
        return None
    model.status = ModelStatus.ready
    model.region_commitments = commitments
    model.model_metadata = {**model.model_metadata, **metadata}
    submission.status = SubmissionStatus.accepted
    return create_score_jobs(session, model, storage=storage, queue=USER_SCORE_QUEUE)


def delete_upload(storage: Storage, submission_id: int) -> int:
    """Delete the submission's stored files; how many there were."""
    return delete_prefix(storage, upload_prefix(submission_id))


def refuse_submission(session: Session, submission_id: int, model_id: int) -> None:
    """The model row and its artifact go (the name is free again); the submission says refused."""
    model = session.get(Model, model_id)
    if model is not None:
        artifact = model.weights_artifact
        session.delete(model)
        if artifact is not None:
            session.delete(artifact)
    submission = session.get(Submission, submission_id)
    if submission is not None:
        submission.status = SubmissionStatus.refused
        submission.model_id = None
