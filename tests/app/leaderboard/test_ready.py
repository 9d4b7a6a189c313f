"""Anonymous views as ready bytes (issue 18): built once per view and board version, shared by
web processes through Redis, never holding a model an anonymous visitor may not see."""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.leaderboard import public, ready, service
from app.main import create_app
from foundation.config import Settings
from foundation.models import Model, ModelStatus, Score, Visibility
from tests.app.board import PRIVATE_MODEL, People, add_scored_model, delete_model, viewing_as

PENDING_MODEL = "pending-public-net"
"""Public, but its validation has not accepted it yet: never listed."""


@pytest.fixture
def two_apps(board_settings: Settings, people: People) -> Iterator[tuple[FastAPI, FastAPI]]:
    """Two web processes' worth of app on the same database and Redis."""
    yield create_app(board_settings), create_app(board_settings)


@pytest.fixture
def pending_model(board_factory: sessionmaker[Session]) -> Iterator[str]:
    with board_factory.begin() as session:
        add_scored_model(
            session,
            PENDING_MODEL,
            {"MajajHong2015.IT-pls": 0.98},
            visibility=Visibility.public,
            status=ModelStatus.pending,
        )
    yield PENDING_MODEL
    with board_factory.begin() as session:
        delete_model(session, PENDING_MODEL)


def _unique_query(text: str = "") -> service.LeaderboardQuery:
    """A view no other test has built (``text`` filters its rows; default: a new name)."""
    return service.LeaderboardQuery(preset="paper-2019", text=text or uuid.uuid4().hex)


def _counting_builds(patch: pytest.MonkeyPatch) -> list[int]:
    builds: list[int] = []
    build = public._build

    def counted(*args: Any) -> Any:
        builds.append(1)
        return build(*args)

    patch.setattr(public, "_build", counted)
    return builds


def test_a_second_process_serves_the_first_ones_bytes_from_redis(
    two_apps: tuple[FastAPI, FastAPI], board_factory: sessionmaker[Session]
) -> None:
    first, second = two_apps
    params = {"preset": "paper-2019", "limit": 97}
    with pytest.MonkeyPatch.context() as patch:
        builds = _counting_builds(patch)
        with TestClient(first) as one, TestClient(second) as two:
            built = one.get("/api/v1/leaderboard", params=params)
            shared = two.get("/api/v1/leaderboard", params=params)
            again = two.get(
                "/api/v1/leaderboard",
                params=params,
                headers={"If-None-Match": built.headers["etag"]},
            )
    assert built.status_code == shared.status_code == 200
    assert shared.content == built.content and shared.headers["etag"] == built.headers["etag"]
    assert again.status_code == 304
    assert len(builds) == 1 and second.state.board_views.builds == 0


def test_concurrent_requests_of_two_processes_build_a_view_once(
    two_apps: tuple[FastAPI, FastAPI], board_factory: sessionmaker[Session]
) -> None:
    view = public.PublicView("json", _unique_query())
    start = threading.Barrier(12)
    bodies: list[bytes] = []

    def one(app: FastAPI) -> None:
        with board_factory() as session:
            start.wait()
            bodies.append(public.ready_at(app, service.current_version(session), view).body)

    with pytest.MonkeyPatch.context() as patch:
        builds = _counting_builds(patch)
        _run([functools.partial(one, app) for app in two_apps for _ in range(6)])
    assert len(bodies) == 12 and len(set(bodies)) == 1
    assert len(builds) == 1


def test_writes_during_a_build_cost_one_more_build_not_one_each(
    board_app: FastAPI, board_factory: sessionmaker[Session], people: People
) -> None:
    """Requests that read a newer version while a build runs wait for it, then one of them
    builds at the newest version and the rest take that."""
    with board_factory.begin() as session:
        add_scored_model(session, "burst-net", {"MajajHong2015.IT-pls": 0.1})
    view = public.PublicView("json", _unique_query("burst-net"))
    built_old, release = threading.Event(), threading.Event()
    builds: list[int] = []
    build = public._build

    def slow_first(*args: Any) -> Any:
        builds.append(1)
        result = build(*args)
        if len(builds) == 1:
            built_old.set()
            release.wait(30)
        return result

    bodies: list[bytes] = []

    def one() -> None:
        with board_factory() as session:
            bodies.append(public.ready_at(board_app, service.current_version(session), view).body)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(public, "_build", slow_first)
        leader = threading.Thread(target=one)
        leader.start()
        assert built_old.wait(30)
        for value in (0.11, 0.12, 0.13):  # three versions while the first build runs
            _set_score(board_factory, "burst-net", value)
        waiters = [threading.Thread(target=one) for _ in range(5)]
        for thread in waiters:
            thread.start()
        release.set()
        for thread in [leader, *waiters]:
            thread.join(60)
        with board_factory.begin() as session:
            delete_model(session, "burst-net")
    assert len(builds) == 2 and len(bodies) == 6
    assert b"0.1," in bodies[0] and all(b"0.13," in body for body in bodies[1:])


def test_no_cached_anonymous_body_holds_a_private_or_unvalidated_model(
    board_app: FastAPI,
    board_client: TestClient,
    board_factory: sessionmaker[Session],
    board_settings: Settings,
    people: People,
    pending_model: str,
) -> None:
    with viewing_as(board_client, board_factory, people.owner_id):  # the owner's board first
        assert PRIVATE_MODEL in board_client.get("/api/v1/leaderboard?limit=5000").text
    with viewing_as(board_client, board_factory, None):
        for path in ("/", "/api/v1/leaderboard", "/exports/leaderboard.csv"):
            for preset in ("", "paper-2019", "leaderboard", "offline"):
                for params in ({}, {"source": "all", "limit": 5000}, {"q": "net"}):
                    response = board_client.get(path, params={"preset": preset, **params})
                    assert response.status_code == 200, response.text
                    assert PRIVATE_MODEL not in response.text
                    assert pending_model not in response.text
    with board_factory() as session:
        wanted = service.current_version(session)
    # What a request at this version can be served. Older renderings may hold a model that was
    # public then (another test of this process publishes PRIVATE_MODEL for a while); they are
    # never served again, as no newer version is covered by them.
    shared = redis.Redis.from_url(board_settings.leaderboard_cache_url)
    stored = [
        shared.get(key) for key in shared.scan_iter(f"{ready.KEY_PREFIX}:{wanted.instance}:*")
    ]
    entries = [
        *board_app.state.board_views._local.values(),
        *(ready._decode(value) for value in stored if isinstance(value, bytes)),
    ]
    servable = [entry for entry in entries if ready.covers(entry.version, wanted)]
    assert len(servable) >= 60
    for entry in servable:
        assert PRIVATE_MODEL.encode() not in entry.body
        assert pending_model.encode() not in entry.body


def test_a_write_is_served_next_by_every_process(
    two_apps: tuple[FastAPI, FastAPI], board_factory: sessionmaker[Session]
) -> None:
    first, second = two_apps
    params = {"preset": "paper-2019", "limit": 5000, "q": "write-net"}
    with board_factory.begin() as session:
        add_scored_model(session, "write-net", {"MajajHong2015.IT-pls": 0.31})
    try:
        with TestClient(first) as one, TestClient(second) as two:
            for client in (one, two):
                assert _it_of(client.get("/api/v1/leaderboard", params=params)) == 0.31
            _set_score(board_factory, "write-net", 0.32)
            for client in (two, one):
                assert _it_of(client.get("/api/v1/leaderboard", params=params)) == 0.32
    finally:
        with board_factory.begin() as session:
            delete_model(session, "write-net")


def test_the_page_answers_304_and_its_bytes_name_no_host(board_client: TestClient) -> None:
    first = board_client.get("/", headers={"Host": "evil.example"})
    assert first.status_code == 200 and "evil.example" not in first.text
    assert 'href="/static/ventral.css"' in first.text
    again = board_client.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_a_redis_outage_falls_back_to_building_locally(
    board_settings: Settings, people: People
) -> None:
    app = create_app(board_settings.model_copy(update={"leaderboard_cache_url": ""}))
    app.state.board_views = ready.ReadyViews(ready.RedisViews("redis://127.0.0.1:1/0"))
    with TestClient(app) as client:
        response = client.get("/api/v1/leaderboard", params={"preset": "paper-2019"})
    assert response.status_code == 200 and response.json()["rows"]
    assert app.state.board_views.builds == 1


def _it_of(response: Any) -> float:
    assert response.status_code == 200, response.text
    (row,) = response.json()["rows"]
    value: float = row["scores"]["MajajHong2015.IT-pls"]["raw"]
    return value


def _set_score(factory: sessionmaker[Session], name: str, value: float) -> None:
    """Rewrites the model's scores in a transaction of its own."""
    with factory.begin() as session:
        model_id = session.scalar(sa.select(Model.id).where(Model.name == name))
        session.execute(
            sa.update(Score).where(Score.model_id == model_id).values(raw=value, ceiled=value)
        )


def _run(calls: list[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


@pytest.mark.parametrize(
    ("broker", "given", "expected"),
    [
        ("redis://cache:6379/0", "", "redis://cache:6379/0"),
        ("sqla+sqlite:///var/broker.sqlite", "", "memory://"),
        ("redis://cache:6379/0", "redis://other:6379/3", "redis://other:6379/3"),
    ],
)
def test_the_ready_bytes_live_in_the_redis_broker_unless_told(
    tmp_path: Any, broker: str, given: str, expected: str
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        var_dir=tmp_path,
        broker_url=broker,
        leaderboard_cache_url=given,
    )
    assert settings.leaderboard_cache_url == expected
