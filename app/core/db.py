"""The web's database session: one unit of work per request (``foundation.db.unit_of_work``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from foundation.db import unit_of_work


def get_session(request: Request) -> Iterator[Session]:
    state = request.app.state
    with unit_of_work(state.session_factory, state.job_sender) as session:
        yield session


# scope="function": the commit (and the job sends) happen before the response goes out, so a
# client that reads a job right after creating it always finds it.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
