"""The web's database session: one unit of work per request (``foundation.db.unit_of_work``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from foundation.db import unit_of_work


def get_session(request: Request) -> Iterator[Session]:
    with request_session(request) as session:
        yield session


@contextmanager
def request_session(request: Request) -> Iterator[Session]:
    """The unit of work of a request, for a route that opens it only on some paths."""
    state = request.app.state
    with unit_of_work(state.session_factory, state.job_sender) as session:
        yield session


# scope="function": the commit (and the job sends) happen before the response goes out, so a
# client that reads a job right after creating it always finds it.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
