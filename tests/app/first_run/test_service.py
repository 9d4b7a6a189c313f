"""The first-run kick-off: once per installation, and not at all when switched off."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.first_run.service import kick_off, kick_off_on_fresh_install
from app.reference_models.service import seed_reference_models
from foundation.config import Settings
from foundation.models import Job
from tests.data import DataSource


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as db:
        seed_reference_models(db)
        yield db
        db.rollback()


def test_switched_off_does_nothing(session: Session, service_settings: Settings) -> None:
    settings = service_settings.model_copy(update={"first_run": False})
    assert kick_off(session, settings) is None


def test_kick_off_happens_once(
    session: Session, service_settings: Settings, data_source: DataSource
) -> None:
    settings = service_settings.model_copy(
        update={"first_run": True, "training_data_dir": data_source("cifar10")}
    )
    plan = kick_off(session, settings)
    assert plan is not None
    assert set(plan["score_jobs"]) == {"resnet20_cifar10", "resnet56_cifar10"}
    assert all(plan["score_jobs"].values())
    assert set(plan["train_jobs"]) == {"cornet_z"}
    train_z = session.get(Job, plan["train_jobs"]["cornet_z"])
    assert train_z is not None and train_z.payload["profile"] == "cpu-cifar10"
    assert (train_z.payload["per_class"], train_z.payload["val_per_class"]) == (5000, 100)
    assert "needs a GPU worker" in plan["skipped"]["cornet_s"]
    assert "needs a GPU worker" in plan["skipped"]["cornet_rt"]
    assert kick_off(session, settings) is None


def test_missing_training_data_is_reported(session: Session, service_settings: Settings) -> None:
    settings = service_settings.model_copy(
        update={"first_run": True, "training_data_dir": Path("/nonexistent")}
    )
    plan = kick_off(session, settings)
    assert plan is not None and plan["train_jobs"] == {}
    assert "training data not found" in plan["skipped"]["cornet_z"]


def test_an_installation_in_use_gets_no_first_run(
    session: Session, service_settings: Settings, data_source: DataSource
) -> None:
    settings = service_settings.model_copy(
        update={"first_run": True, "training_data_dir": data_source("cifar10")}
    )
    kick_off(session, settings)
    assert kick_off_on_fresh_install(session, settings) is None
