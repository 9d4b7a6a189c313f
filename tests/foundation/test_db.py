"""The unit of work: commit first, then send the jobs; on error, send nothing."""

import pytest
from sqlalchemy.orm import Session, sessionmaker

from foundation.db import QueuedJob, unit_of_work
from foundation.jobs.payloads import SelfcheckPayload
from foundation.jobs.service import create_job
from foundation.models import Job


def test_jobs_are_sent_only_after_the_commit(session_factory: sessionmaker[Session]) -> None:
    committed_when_sent: list[bool] = []

    def send(jobs: list[QueuedJob]) -> None:
        with session_factory() as other:
            committed_when_sent.extend(other.get(Job, job.id) is not None for job in jobs)

    with unit_of_work(session_factory, send) as session:
        create_job(session, SelfcheckPayload(), queue="gpu")
        create_job(session, SelfcheckPayload())
        assert committed_when_sent == []
    assert committed_when_sent == [True, True]


def test_jobs_of_a_rolled_back_transaction_are_never_sent(
    session_factory: sessionmaker[Session],
) -> None:
    sent: list[QueuedJob] = []
    with pytest.raises(RuntimeError), unit_of_work(session_factory, sent.extend) as session:
        job_id = create_job(session, SelfcheckPayload()).id
        raise RuntimeError("handler failed")
    assert sent == []
    with session_factory() as session:
        assert session.get(Job, job_id) is None
