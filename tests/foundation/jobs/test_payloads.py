"""Job payloads: one model per kind, checked when a job is created and when a worker reads it."""

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from foundation.db import unit_of_work
from foundation.jobs.payloads import (
    PAYLOADS,
    PayloadError,
    ScorePayload,
    SelfcheckPayload,
    parse_payload,
)
from foundation.jobs.service import create_job
from foundation.models import Job


def test_every_kind_ventral_sends_has_a_model() -> None:
    assert {"selfcheck", "validate", "import", "score", "train"} <= set(PAYLOADS)


def test_a_row_is_read_back_as_its_kind_s_model() -> None:
    row = {"model": "m", "model_id": 1, "benchmark": "b", "benchmark_id": 2, "version": 1}
    payload = parse_payload("score", {**row, "run": {"id": "r", "jobs": [3]}})
    assert isinstance(payload, ScorePayload)
    assert payload.run is not None and payload.run.jobs == [3]


@pytest.mark.parametrize(
    ("kind", "data", "problem"),
    [
        ("selfcheck", {"steps": 0}, "steps: Input should be greater than or equal to 1"),
        ("validate", {}, "submission_id: Field required"),
        ("import", {"identifier": "x", "stimulus_set_identifier": "y", "keys": 3}, "keys:"),
        ("train", {"model": "m", "model_id": 1, "architecture": "a"}, "profile: Field required"),
    ],
)
def test_a_payload_that_does_not_fit_is_refused_readably(
    kind: str, data: dict[str, object], problem: str
) -> None:
    with pytest.raises(PayloadError, match=f"the {kind} job's payload is invalid: .*{problem}"):
        parse_payload(kind, data)


def test_a_kind_without_a_model_is_refused() -> None:
    with pytest.raises(PayloadError, match="no payload model for job kind 'transmogrify'"):
        parse_payload("transmogrify", {})


def test_create_job_checks_the_payload_again(session_factory: sessionmaker[Session]) -> None:
    """A model changed after it was built (no validation on assignment) is refused at enqueue,
    and no row is written."""
    payload = SelfcheckPayload()
    payload.steps = -3
    sent: list[object] = []
    with pytest.raises(ValidationError), unit_of_work(session_factory, sent.extend) as session:
        create_job(session, payload)
    assert sent == []


def test_the_row_holds_the_payload_as_json(session_factory: sessionmaker[Session]) -> None:
    with unit_of_work(session_factory, lambda _jobs: None) as session:
        job_id = create_job(session, SelfcheckPayload(steps=2, fail_at_step=1)).id
    with session_factory() as session:
        job = session.get_one(Job, job_id)
        assert (job.kind, job.payload["steps"], job.payload["fail_at_step"]) == ("selfcheck", 2, 1)
