"""The first-run kick-off: once per installation, and not at all when switched off."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from app.first_run.service import first_run_benchmarks, kick_off, kick_off_on_fresh_install
from app.reference_models.service import reference_names, seed_reference_models, shipped_artifact
from foundation.config import Settings
from foundation.models import Benchmark, Job, Model, Score
from foundation.runs import repository
from scoring.benchmarks.presets import benchmark_tree, get_preset
from scoring.models import model_info
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
    # every seeded reference model with weights is scored; the others wait for weights (the
    # ImageNet-trained ones are seeded only once the data step built theirs: not here)
    seeded = {
        name: model
        for name in reference_names()
        if (model := repository.model_by_name(session, name)) is not None
    }
    with_weights = {name for name, model in seeded.items() if model.weights_artifact is not None}
    assert {"resnet20_cifar10", "resnet56_cifar10"} <= with_weights
    assert set(plan["score_jobs"]) == with_weights
    assert all(plan["score_jobs"].values())
    assert set(plan["unscored"]) == set(seeded) - with_weights
    # ... on every benchmark of the real offline suite (a job, or a failed row saying that
    # the data are not installed)
    resnet = repository.model_by_name(session, "resnet20_cifar10")
    assert resnet is not None
    assert set(real_offline_leaves()) <= score_rows(session, resnet.id)
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


def real_offline_leaves() -> list[str]:
    tree = benchmark_tree()
    return [leaf for root in get_preset("real-offline").roots for leaf in tree.leaves(root)]


def test_the_real_suite_comes_first_and_every_benchmark_is_asked_for() -> None:
    leaves = real_offline_leaves()
    benchmarks = first_run_benchmarks()
    assert benchmarks[: len(leaves)] == leaves and len(set(benchmarks)) == len(benchmarks)
    assert "Kriegeskorte2008.IT-human-rsa" in leaves and "Geirhos2021.edge-accuracy" in leaves


def test_a_reference_model_with_weights_gets_a_score_row_on_every_real_benchmark(
    session: Session, service_settings: Settings
) -> None:
    # a reference model that has weights (here CORnet-Z, given the CIFAR file's artifact as a
    # stand-in) is picked up whatever its family: the selection is by weights, not by name
    cornet = repository.model_by_name(session, "cornet_z")
    assert isinstance(cornet, Model) and cornet.weights_artifact is None
    path = model_info("resnet20_cifar10").default_weights
    assert path is not None
    cornet.weights_artifact = shipped_artifact(session, path)
    settings = service_settings.model_copy(
        update={"first_run": True, "training_data_dir": Path("/nonexistent")}
    )
    plan = kick_off(session, settings)
    assert plan is not None and "cornet_z" in plan["score_jobs"]
    assert "cornet_z" not in plan["unscored"]
    assert set(real_offline_leaves()) <= score_rows(session, cornet.id)


def score_rows(session: Session, model_id: int) -> set[str]:
    query = (
        sa.select(Benchmark.identifier)
        .join(Score, Score.benchmark_id == Benchmark.id)
        .where(Score.model_id == model_id)
    )
    return set(session.scalars(query))
