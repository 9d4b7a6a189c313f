"""The reference-models seeder: every reference model once, shipped weights as artifacts."""

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.reference_models.service import reference_names, seed_reference_models
from foundation.runs import repository


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as db:
        yield db
        db.rollback()


def test_seeding_twice_registers_each_reference_model_once(session: Session) -> None:
    created = seed_reference_models(session)
    assert {model.name for model in created} == set(reference_names())
    assert seed_reference_models(session) == []


def test_reference_rows_carry_weights_commitments_and_metadata(session: Session) -> None:
    seed_reference_models(session)
    resnet = repository.model_by_name(session, "resnet20_cifar10")
    cornet = repository.model_by_name(session, "cornet_s")
    baseline = repository.model_by_name(session, "alexnet--computed")
    assert resnet is not None and cornet is not None and baseline is not None
    assert resnet.weights_artifact is not None and len(resnet.weights_artifact.sha256) == 64
    assert resnet.model_metadata["layer_selection"] is True
    assert cornet.weights_artifact is None
    assert cornet.region_commitments["IT"]["layer"] == "IT.output"
    assert cornet.model_metadata["depth"] == 15
    assert (baseline.architecture, baseline.weights_artifact) == ("alexnet", None)
