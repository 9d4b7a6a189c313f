"""Fixtures of the board's tests (leaderboard, plots, catalogue, browser): a PostgreSQL database
of their own (so their rows never meet other areas' tests), seeded with the published results,
plus a private model and its owner, another user and an admin; requests as a viewer a test
chooses (``viewing_as``: a real API token). tests/app/conftest.py and the browser tests import
these; the database is made once per process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.auth.service import issue_token
from app.main import create_app
from app.published.service import seed_published
from foundation import migrations
from foundation.config import Settings
from foundation.db import create_session_factory
from foundation.models import (
    Benchmark,
    Job,
    JobStatus,
    Model,
    Role,
    Score,
    ScoreStatus,
    Source,
    User,
    Visibility,
    utcnow,
)
from tests.app.services import make_settings, temporary_postgres_database

PRIVATE_MODEL = "secret-net"
PRIVATE_BENCHMARKS = (
    "MajajHong2015.V4-pls",
    "MajajHong2015.IT-pls",
    "Rajalingham2018-i2n",
    "Kar2019-ost",
    "ImageNet-top1",
)


@dataclass(frozen=True)
class People:
    owner_id: int
    other_id: int
    admin_id: int


def add_scored_model(
    session: Session, name: str, scores: dict[str, float], **fields: object
) -> Model:
    """A computed model with succeeded scores (raw = ceiled = the given value)."""
    model = Model(name=name, format="builtin", source=Source.computed, **fields)
    session.add(model)
    session.flush()
    benchmarks = {b.identifier: b for b in session.scalars(sa.select(Benchmark)).all()}
    for identifier, value in scores.items():
        session.add(
            Score(
                model_id=model.id,
                benchmark_id=benchmarks[identifier].id,
                raw=value,
                ceiled=value,
                error=0.01,
                ceiling=1.0,
                status=ScoreStatus.succeeded,
                source=Source.computed,
                finished_at=utcnow(),
            )
        )
    session.flush()
    return model


def scored_model_once(
    factory: sessionmaker[Session], name: str, scores: dict[str, float], **fields: object
) -> None:
    """``add_scored_model`` in a transaction of its own, unless the shared board database holds
    the model already (a test run twice in one process, or by another test of the process)."""
    with factory.begin() as session:
        if session.scalar(sa.select(Model.id).where(Model.name == name)) is None:
            add_scored_model(session, name, scores, **fields)


def delete_model(session: Session, name: str) -> None:
    """Removes a model a test added, with its scores and jobs."""
    model_id = session.scalar(sa.select(Model.id).where(Model.name == name))
    if model_id is None:
        return
    session.execute(sa.delete(Score).where(Score.model_id == model_id))
    session.execute(sa.delete(Job).where(Job.model_id == model_id))
    session.execute(sa.delete(Model).where(Model.id == model_id))


_DATABASE: dict[str, str] = {}


@pytest.fixture(scope="session")
def board_database() -> Iterator[str]:
    """One database for every board test folder of this process; the first asker drops it."""
    if "url" in _DATABASE:
        yield _DATABASE["url"]
        return
    with temporary_postgres_database("ventral_board") as url:
        migrations.upgrade(url)
        _DATABASE["url"] = url
        yield url
        _DATABASE.pop("url", None)


@pytest.fixture(scope="session")
def board_settings(
    tmp_path_factory: pytest.TempPathFactory, board_database: str, redis_url: str
) -> Settings:
    return make_settings(tmp_path_factory.mktemp("board"), board_database, redis_url)


@pytest.fixture(scope="session")
def board_factory(board_settings: Settings) -> sessionmaker[Session]:
    return create_session_factory(board_settings)


@pytest.fixture(scope="session")
def people(board_factory: sessionmaker[Session]) -> People:
    """Seeds the published results, then three users and a private, top-scoring model (once
    per database: the browser tests' own copy of this fixture may ask again)."""
    with board_factory() as session:
        seed_published(session)
        session.commit()
        found = _existing_people(session)
        if found is not None:
            return found
        users = [
            User(email=f"{who}@board.test", password_hash="x", role=role)
            for who, role in (("owner", Role.user), ("other", Role.user), ("admin", Role.admin))
        ]
        session.add_all(users)
        session.flush()
        scores = {b: 0.99 for b in PRIVATE_BENCHMARKS}
        model = add_scored_model(
            session,
            PRIVATE_MODEL,
            scores,
            owner_id=users[0].id,
            visibility=Visibility.private,
            model_metadata={"family": "secret", "depth": 7, "training_data": "ImageNet"},
        )
        session.add(
            Job(
                kind="score",
                status=JobStatus.succeeded,
                owner_id=users[0].id,
                model_id=model.id,
                message="scored",
            )
        )
        session.commit()
        return People(users[0].id, users[1].id, users[2].id)


def _existing_people(session: Session) -> People | None:
    ids = dict(
        session.execute(sa.select(User.email, User.id).where(User.email.like("%@board.test"))).all()
    )
    if not ids:
        return None
    return People(ids["owner@board.test"], ids["other@board.test"], ids["admin@board.test"])


@pytest.fixture(scope="session")
def board_app(board_settings: Settings, people: People) -> FastAPI:
    return create_app(board_settings)


@pytest.fixture(scope="session")
def board_client(board_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(board_app, raise_server_exceptions=False) as client:
        yield client


@contextmanager
def viewing_as(
    client: TestClient, factory: sessionmaker[Session], user_id: int | None
) -> Iterator[None]:
    """Requests of ``client`` inside the block are made as that user, signed in with an API
    token of theirs (``None``: anonymous, no credentials at all)."""
    client.headers.pop("Authorization", None)
    if user_id is None:
        yield
        return
    with factory.begin() as session:
        user = session.get(User, user_id)
        assert user is not None
        secret = issue_token(session, user, "tests: viewing_as").secret
    client.headers["Authorization"] = f"Bearer {secret}"
    try:
        yield
    finally:
        client.headers.pop("Authorization", None)
