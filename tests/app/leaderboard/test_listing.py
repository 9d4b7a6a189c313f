"""A score write moves only the written models' rows (issue 18): the board built from the
carried listing equals the board built from scratch at the same version, for every preset,
sort, filter and page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from app.leaderboard import service
from foundation.models import Model, Score, ScoreStatus
from scoring.benchmarks.presets import PRESETS, get_preset
from tests.app.board import People, add_scored_model, delete_model

NAMES = ("listing-low", "listing-mid", "listing-high", "listing-tie")
IT = "MajajHong2015.IT-pls"
OFFLINE = "CIFAR10H-i2n"
"""Ranks a model on the offline preset on its own."""
EXTRAS: list[dict[str, object]] = [
    {},
    {"order": "desc"},
    {"sort": "model"},
    {"text": "listing"},
    {"offset": 3, "limit": 4},
    {"sources": ("all",), "limit": 5000},
]
QUERIES = [
    service.LeaderboardQuery(preset=preset, **extra)  # type: ignore[arg-type]
    for preset in PRESETS
    for extra in [*EXTRAS, {"sort": get_preset(preset).headline, "order": "desc"}]
]


@pytest.fixture
def models(board_factory: sessionmaker[Session], people: People) -> Iterator[None]:
    with board_factory.begin() as session:
        for name, value in zip(NAMES, (0.1, 0.5, 0.9, 0.5), strict=True):
            add_scored_model(session, name, {IT: value, OFFLINE: value})
    yield
    with board_factory.begin() as session:
        for name in NAMES:
            delete_model(session, name)


def _rows(board: service.Leaderboard) -> list[tuple[object, ...]]:
    return [(r.rank, r.model.name, r.aggregate.value, r.same_model) for r in board.rows]


def _boards(snapshot: service._Snapshot) -> list[tuple[object, ...]]:
    boards = [service.board_of(snapshot, None, query) for query in QUERIES]
    return [(board.total, _rows(board), board.families, board.origins) for board in boards]


def _write(factory: sessionmaker[Session], changes: dict[str, tuple[float, ScoreStatus]]) -> None:
    with factory.begin() as session:
        for name, (value, status) in changes.items():
            model_id = session.scalar(sa.select(Model.id).where(Model.name == name))
            session.execute(
                sa.update(Score)
                .where(Score.model_id == model_id)
                .values(raw=value, ceiled=value, status=status)
            )


def _snapshot(factory: sessionmaker[Session]) -> service._Snapshot:
    with factory() as session:
        return service.current_snapshot(session)


@pytest.mark.usefixtures("models")
def test_a_carried_listing_ranks_exactly_as_a_fresh_one(
    board_factory: sessionmaker[Session],
) -> None:
    service._CACHE.clear()
    before = _snapshot(board_factory)
    _boards(before)  # every listing built, to be carried
    _write(
        board_factory,
        {
            "listing-low": (0.99, ScoreStatus.succeeded),  # from the bottom to the top
            "listing-high": (0.0, ScoreStatus.succeeded),  # from the top to the bottom
            "listing-mid": (0.5, ScoreStatus.failed),  # scored to unscored
        },
    )
    carried = _snapshot(board_factory)
    assert carried.version.scores_version > before.version.scores_version
    assert carried.listings and carried.entries is before.entries  # score-only: carried
    incremental = _boards(carried)
    service._CACHE.clear()
    fresh = _snapshot(board_factory)
    assert fresh.version == carried.version and not fresh.listings
    assert incremental == _boards(fresh)
    ranked = [
        [row.model.name for row in service.board_of(carried, None, query).rows]
        for query in QUERIES
        if query.text and all(row.rank for row in service.board_of(carried, None, query).rows)
    ]
    assert ranked and all(
        names[:3] == ["listing-low", "listing-tie", "listing-high"] for names in ranked
    )


@pytest.mark.usefixtures("models")
def test_a_model_back_from_failed_is_listed_again_in_its_place(
    board_factory: sessionmaker[Session],
) -> None:
    service._CACHE.clear()
    _write(board_factory, {"listing-mid": (0.5, ScoreStatus.failed)})
    _boards(_snapshot(board_factory))
    _write(board_factory, {"listing-mid": (0.7, ScoreStatus.succeeded)})
    carried = _boards(_snapshot(board_factory))
    service._CACHE.clear()
    assert carried == _boards(_snapshot(board_factory))
