"""The circuitry study: a model and a training job per variant, deltas against the baseline."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.runs import studies
from foundation.models import Score, ScoreStatus
from foundation.runs import repository, service
from foundation.storage import Storage
from foundation.storage.local import LocalStorage


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as db:
        yield db
        db.rollback()


def test_study_trains_the_baseline_and_each_variant(session: Session) -> None:
    study = studies.create_study(session, "fig4", ["cornet_s_noskip"], "cpu-quick", None)
    members = study.payload["members"]
    assert list(members) == ["cornet_s", "cornet_s_noskip"]
    jobs = repository.jobs(session, [member["train_job"] for member in members.values()])
    assert [job.payload["architecture"] for job in jobs] == ["cornet_s", "cornet_s_noskip"]
    assert repository.model_by_name(session, "fig4-cornet_s_noskip") is not None


def test_unknown_variant_is_refused(session: Session) -> None:
    with pytest.raises(studies.UnknownVariantError):
        studies.create_study(session, "bad", ["resnet18"], "cpu-quick", None)


def test_deltas_against_the_baseline(session: Session, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    study = studies.create_study(session, "delta", ["cornet_s_noskip"], "cpu-quick", None)
    values = {"cornet_s": (0.60, 0.30), "cornet_s_noskip": (0.50, 0.25)}
    for variant, (accuracy, brain) in values.items():
        _score(session, storage, f"delta-{variant}", "CIFAR10-top1", accuracy)
        _score(session, storage, f"delta-{variant}", "CIFAR10H-i2n", brain)
    result = studies.study_result(session, study)
    noskip = result["variants"][1]
    assert noskip["variant"] == "cornet_s_noskip"
    assert noskip["delta_accuracy"] == pytest.approx(-0.10)
    assert noskip["delta_brain_score"] == pytest.approx(-0.05)
    assert result["variants"][0]["delta_accuracy"] == 0.0


def _score(
    session: Session, storage: Storage, model_name: str, benchmark: str, value: float
) -> None:
    model = repository.model_by_name(session, model_name)
    assert model is not None
    row = service.ensure_benchmark_row(session, benchmark, storage)
    session.add(
        Score(model=model, benchmark=row, raw=value, ceiled=value, status=ScoreStatus.succeeded)
    )
    session.flush()
    session.refresh(model)
