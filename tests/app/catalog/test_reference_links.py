"""A stored link that is not http(s) (a row from before the input check) is shown as text,
never as an ``href``, and the API answers no link."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from foundation.models import ModelStatus, Visibility
from tests.app.board import People, add_scored_model, delete_model

NAME = "old-hostile-link-net"
LINK = "javascript:alert(document.cookie)"


def test_a_stored_javascript_link_is_never_an_href(
    board_client: TestClient, board_factory: sessionmaker[Session], people: People
):
    with board_factory() as session:
        add_scored_model(
            session,
            NAME,
            {"ImageNet-top1": 0.5},
            owner_id=people.owner_id,
            visibility=Visibility.public,
            status=ModelStatus.ready,
            model_metadata={"reference": LINK},
        )
        session.commit()
    try:
        page = board_client.get(f"/models/{NAME}")
        assert page.status_code == 200
        assert 'href="javascript' not in page.text.lower()
        assert board_client.get(f"/api/v1/models/{NAME}").json()["reference"] is None
    finally:
        with board_factory() as session:
            delete_model(session, NAME)
            session.commit()
