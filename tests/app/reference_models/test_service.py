"""The reference-models seeder: every reference model once, shipped or built weights as
artifacts, never an ImageNet-trained model without its weights."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.reference_models.service import (
    IMAGENET_TRAINED,
    reference_names,
    seed_reference_models,
)
from foundation.runs import repository


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as db:
        yield db
        db.rollback()


@pytest.fixture
def built(built_data: Callable[[str], Path]) -> tuple[Path, ...]:
    """The data folder holding the data step's builds (the installation's data_dir)."""
    return (built_data("imagenet-mobilenets").parent, built_data("efficientnet-lite").parent)


def test_seeding_twice_registers_each_reference_model_once(
    session: Session, built: tuple[Path, ...]
) -> None:
    created = seed_reference_models(session, built)
    assert {model.name for model in created} == set(reference_names())
    assert seed_reference_models(session, built) == []


def test_imagenet_models_wait_for_their_weights(session: Session) -> None:
    created = {model.name for model in seed_reference_models(session, ())}
    assert created.isdisjoint(IMAGENET_TRAINED)
    assert {"cornet_s", "resnet20_cifar10"} <= created
    assert not any(name.endswith("--computed") for name in reference_names())


def test_reference_rows_carry_weights_commitments_and_metadata(
    session: Session, built: tuple[Path, ...]
) -> None:
    seed_reference_models(session, built)
    resnet = repository.model_by_name(session, "resnet20_cifar10")
    cornet = repository.model_by_name(session, "cornet_s")
    mobilenet = repository.model_by_name(session, "mobilenet_v2_1.0_224")
    assert resnet is not None and cornet is not None and mobilenet is not None
    assert resnet.weights_artifact is not None and len(resnet.weights_artifact.sha256) == 64
    assert resnet.model_metadata["layer_selection"] is True
    assert cornet.weights_artifact is None
    assert cornet.region_commitments["IT"]["layer"] == "IT.output"
    assert cornet.model_metadata["depth"] == 15
    assert mobilenet.weights_artifact is not None
    assert Path(mobilenet.weights_artifact.path).name == "mobilenet_v2_1.0_224.safetensors"
    assert mobilenet.model_metadata["input_size"] == 224
    assert "TFLite quantization-aware training, Google" in mobilenet.model_metadata["description"]
    assert "converted here" in mobilenet.model_metadata["description"]
    # V1/V2 by the data-free rule; V4/IT chosen per benchmark on held-out data when scored
    assert set(mobilenet.region_commitments) == {"V1", "V2"}
    assert mobilenet.model_metadata["layer_selection"] is True
