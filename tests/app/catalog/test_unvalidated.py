"""An upload is public only once validated: pending and refused models stay with their owner and
the admins on every page, API, plot, export and rank (issue 13, hole 3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from foundation.models import ModelStatus, Visibility
from tests.app.board import PRIVATE_BENCHMARKS, People, add_scored_model, delete_model, viewing_as

UNVALIDATED = {
    "pending-upload-net": ModelStatus.pending,
    "refused-upload-net": ModelStatus.rejected,
}


@pytest.fixture
def unvalidated_models(
    board_factory: sessionmaker[Session], people: People
) -> Iterator[dict[str, ModelStatus]]:
    """Two public, top-scoring uploads that were never accepted."""
    with board_factory() as session:
        for name, status in UNVALIDATED.items():
            add_scored_model(
                session,
                name,
                {b: 0.995 for b in PRIVATE_BENCHMARKS},
                owner_id=people.owner_id,
                visibility=Visibility.public,
                status=status,
            )
        session.commit()
    yield UNVALIDATED
    with board_factory() as session:
        for name in UNVALIDATED:
            delete_model(session, name)
        session.commit()


# Pages that list every model the viewer may see (the owner finds the upload there).
LISTINGS = (
    "/",
    "/api/v1/leaderboard",
    "/exports/leaderboard.csv",
    "/api/v1/models?limit=5000",
    "/api/v1/scores?limit=5000",
    "/api/v1/benchmarks/MajajHong2015.IT-pls",
    "/benchmarks/IT",
)


def _every_url(client: TestClient) -> list[str]:
    """The listings, plus pages that show a subset (plots, BibTeX): never the upload to others."""
    plots = [f"/api/v1/plots/{plot['name']}" for plot in client.get("/api/v1/plots").json()]
    return [*LISTINGS, "/exports/leaderboard.bib", "/plots", *plots]


def test_pending_and_refused_uploads_are_seen_only_by_owner_and_admins(
    board_app: FastAPI,
    board_client: TestClient,
    board_factory: sessionmaker[Session],
    people: People,
    unvalidated_models: dict[str, ModelStatus],
):
    urls = _every_url(board_client)
    for user_id, sees in (
        (None, False),
        (people.other_id, False),
        (people.owner_id, True),
        (people.admin_id, True),
    ):
        with viewing_as(board_client, board_factory, user_id):
            pages = {url: board_client.get(url) for url in urls}
            for name in unvalidated_models:
                for url, response in pages.items():
                    assert response.status_code == 200, url
                    if url in LISTINGS or not sees:
                        assert (name in response.text) is sees, (name, url, user_id)
                codes = {
                    board_client.get(f"/api/v1/models/{name}").status_code,
                    board_client.get(f"/models/{name}").status_code,
                    board_client.get("/api/v1/compare", params={"models": name}).status_code,
                    board_client.get(f"/api/v1/runs/models/{name}").status_code,
                }
                assert codes == {200 if sees else 404}, (name, user_id)


def test_a_validated_public_upload_is_public(
    board_app: FastAPI,
    board_client: TestClient,
    board_factory: sessionmaker[Session],
    people: People,
):
    with board_factory() as session:
        add_scored_model(
            session,
            "accepted-upload-net",
            {b: 0.5 for b in PRIVATE_BENCHMARKS},
            owner_id=people.owner_id,
            visibility=Visibility.public,
            status=ModelStatus.ready,
        )
        session.commit()
    try:
        with viewing_as(board_client, board_factory, None):
            assert board_client.get("/api/v1/models/accepted-upload-net").status_code == 200
            assert "accepted-upload-net" in board_client.get("/exports/leaderboard.csv").text
    finally:
        with board_factory() as session:
            delete_model(session, "accepted-upload-net")
            session.commit()
