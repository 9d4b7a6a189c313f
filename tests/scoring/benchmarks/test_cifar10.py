"""CIFAR10H-i2n and CIFAR10-top1 on the shipped data, with stand-in models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.benchmarks import NotApplicable, load_benchmark
from scoring.data.brainio import read_stimulus_csv
from tests.data import DataSource

DATA = Path(__file__).resolve().parents[3] / "data"
N_PER_CLASS = 30


@pytest.fixture(scope="module")
def test_rows() -> pd.DataFrame:
    return read_stimulus_csv(DATA / "cifar10" / "stimulus_cifar10-test.csv")


@pytest.fixture(scope="module")
def human_frequencies(test_rows: pd.DataFrame, data_source: DataSource) -> dict[str, np.ndarray]:
    probs = np.load(data_source("cifar10h") / "cifar10h-probs.npy")
    return dict(zip(test_rows["stimulus_id"], probs, strict=True))


def test_a_model_choosing_like_people_reaches_near_the_ceiling(
    human_frequencies: dict[str, np.ndarray], stand_in: type
) -> None:
    smoothed = {sid: 0.9 * p + 0.01 for sid, p in human_frequencies.items()}
    model = stand_in(probabilities=smoothed)
    score = load_benchmark("CIFAR10H-i2n", n_per_class=N_PER_CLASS)(model)
    assert model.fitted_on is not None and len(model.fitted_on) == 5000
    assert score.details["n_images"] == 10 * N_PER_CLASS
    assert 0.3 < score.ceiling < 1
    assert score.raw > score.ceiling
    assert score.ceiled == pytest.approx(np.mean(score.details["ceiled"]))
    assert {"i1n", "cross_entropy"} <= set(score.details)


def test_a_random_model_is_inconsistent_with_people(
    human_frequencies: dict[str, np.ndarray], stand_in: type
) -> None:
    rng = np.random.RandomState(0)
    noise = {sid: rng.dirichlet(np.ones(10)) for sid in human_frequencies}
    score = load_benchmark("CIFAR10H-i2n", n_per_class=N_PER_CLASS)(stand_in(probabilities=noise))
    assert abs(score.raw) < 0.15
    ours = score.details["cross_entropy"]["raw"]
    assert ours > score.details["cross_entropy"]["details"]["human_entropy"]


def test_top1_counts_correct_labels_and_refuses_models_without_a_cifar_head(
    test_rows: pd.DataFrame, stand_in: type
) -> None:
    truth = dict(zip(test_rows["stimulus_id"], test_rows["image_label"], strict=True))
    labels = {sid: ("cat" if i % 2 else label) for i, (sid, label) in enumerate(truth.items())}
    score = load_benchmark("CIFAR10-top1")(stand_in(labels=labels))
    expected = np.mean([labels[sid] == truth[sid] for sid in truth])
    assert score.raw == pytest.approx(expected) and score.ceiled == score.raw
    with pytest.raises(NotApplicable, match="10-way"):
        load_benchmark("CIFAR10-top1", n_per_class=5)(stand_in(features={}))
