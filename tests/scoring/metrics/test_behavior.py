from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from scoring.data.brainio import load_assembly
from scoring.metrics.behavior import (
    cifar10h_i1n,
    cifar10h_i2n,
    consistency,
    cross_entropy,
    dprime,
    i2n,
    split_votes,
    two_way_rates,
    two_way_rates_from_trials,
    vote_halves,
)
from tests.data import DataSource

MODELS = ("alexnet", "resnet18", "resnet34")


@pytest.fixture(scope="module")
def cifar10h(data_source: DataSource) -> tuple[np.ndarray, np.ndarray]:
    """Real CIFAR-10H vote counts and the true labels of the first 2,000 test images."""
    counts = np.load(data_source("cifar10h") / "cifar10h-counts.npy")[:2000]
    labels = np.load(data_source("cifar10") / "test_labels.npy")[:2000]
    return counts, labels.astype(int)


def test_two_way_rates_by_hand() -> None:
    rates = two_way_rates(np.array([[0.6, 0.3, 0.1]]), np.array([0]))
    np.testing.assert_allclose(rates, [[np.nan, 1 / 3, 0.1 / 0.7]])


def test_trial_rates_count_choices_over_offers() -> None:
    truth = np.array([0, 1])
    rates = two_way_rates_from_trials(
        image_index=np.array([0, 0, 0, 1]),
        truth=truth,
        distractor=np.array([1, 1, 2, 0]),
        choice=np.array([1, 0, 0, 1]),
        n_images=2,
        n_objects=3,
    )
    np.testing.assert_allclose(rates, [[np.nan, 0.5, 0.0], [0.0, np.nan, np.nan]])


def test_dprime_uses_object_level_false_alarms_and_normalises() -> None:
    truth = np.array([0, 1])
    rates = np.array([[np.nan, 0.2], [0.3, np.nan]])
    raw = dprime(rates, truth, normalize=False)
    from scipy.stats import norm

    assert raw[0, 1] == pytest.approx(norm.ppf(0.8) - norm.ppf(0.3))
    assert raw[1, 0] == pytest.approx(norm.ppf(0.7) - norm.ppf(0.2))
    assert np.nanmax(np.abs(dprime(rates, truth, normalize=True))) == 0


def test_identical_matrices_reach_the_ceiling_limited_maximum() -> None:
    rng = np.random.default_rng(0)
    signal = rng.normal(size=(50, 8))
    half0, half1 = signal + rng.normal(size=(50, 8)), signal + rng.normal(size=(50, 8))
    score = consistency(half1, [(half0, half1)])
    assert score.raw == pytest.approx(score.ceiling)
    assert score.ceiled == pytest.approx(np.sqrt(score.ceiling))
    perfect = consistency(half0, [(half0, half1)])
    assert perfect.raw == pytest.approx(1)


def test_vote_halves_partition_each_images_votes(cifar10h: tuple[np.ndarray, np.ndarray]) -> None:
    counts, _ = cifar10h
    first, second = split_votes(counts[:50], np.random.RandomState(0))
    np.testing.assert_array_equal(first + second, counts[:50])
    np.testing.assert_array_equal(first.sum(axis=1), counts[:50].sum(axis=1) // 2)
    again = vote_halves(counts[:50])
    np.testing.assert_array_equal(again[0][0], first)
    assert not np.array_equal(again[0][0], again[1][0])


def test_human_equal_model_on_cifar10h(cifar10h: tuple[np.ndarray, np.ndarray]) -> None:
    counts, labels = cifar10h
    probabilities = counts / counts.sum(axis=1, keepdims=True)
    score = cifar10h_i2n(probabilities, counts, labels)
    assert 0.3 < score.ceiling < 0.9
    # a model equal to all votes correlates with one half as sqrt((1 + C) / 2) predicts
    assert score.raw == pytest.approx(np.sqrt((1 + score.ceiling) / 2), abs=0.03)
    chance = cifar10h_i2n(np.random.default_rng(0).dirichlet(np.ones(10), 2000), counts, labels)
    assert abs(chance.raw) < 0.05
    assert cifar10h_i1n(probabilities, counts, labels).raw > 0.8


def test_cross_entropy_is_lowest_for_the_human_distribution(
    cifar10h: tuple[np.ndarray, np.ndarray],
) -> None:
    counts, _ = cifar10h
    human = counts / counts.sum(axis=1, keepdims=True)
    exact = cross_entropy(human, counts)
    assert exact.raw == pytest.approx(exact.details["human_entropy"])
    assert cross_entropy(np.full_like(human, 0.1), counts).raw == pytest.approx(np.log(10))


def _synthetic_trials(n_trials: int = 6000) -> tuple[xr.DataArray, xr.DataArray]:
    """SYNTHETIC objectome-style trials: 6 objects × 5 images, chosen from known probabilities."""
    rng = np.random.default_rng(0)
    objects = [f"obj{k}" for k in range(6)]
    truth = np.repeat(np.arange(6), 5)
    probabilities = rng.dirichlet(np.ones(6) * 0.5, size=30)
    probabilities[np.arange(30), truth] += 2
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    image = rng.integers(0, 30, n_trials)
    distractor = (truth[image] + rng.integers(1, 6, n_trials)) % 6
    own, other = probabilities[image, truth[image]], probabilities[image, distractor]
    chose_truth = rng.random(n_trials) < own / (own + other)
    choice = np.where(chose_truth, truth[image], distractor)
    names = np.array(objects)
    trials = xr.DataArray(
        names[choice],
        dims="presentation",
        coords={
            "stimulus_id": ("presentation", [f"im{i:02d}" for i in image]),
            "sample_obj": ("presentation", names[truth[image]]),
            "dist_obj": ("presentation", names[distractor]),
        },
    )
    model = xr.DataArray(
        probabilities,
        dims=("presentation", "choice"),
        coords={
            "stimulus_id": ("presentation", [f"im{i:02d}" for i in range(30)]),
            "choice": objects,
        },
    )
    return trials, model


def test_objectome_i2n_prefers_the_generating_model() -> None:
    trials, model = _synthetic_trials()
    score = i2n(model, trials)
    shuffled = model.copy(data=np.random.default_rng(1).permutation(model.values))
    assert score.raw > 0.5
    assert score.raw > i2n(shuffled, trials).raw + 0.3
    assert 0 < score.ceiling < 1
    assert len(score.details["raw"]) == 2


def test_released_probabilities_give_a_well_formed_i2n_matrix(data_source: DataSource) -> None:
    folder = data_source("brainscore-vision-stimulus-metadata")
    matrices = [
        load_assembly(folder / f"objectome240_{name}-probabilities.nc").values for name in MODELS
    ]
    # the files carry no labels: the three models' consensus argmax stands in for the truth
    truth = np.sum(matrices, axis=0).argmax(axis=1)
    per_model = [dprime(two_way_rates(p, truth), truth, normalize=True) for p in matrices]
    off_truth = np.ones((240, 24), dtype=bool)
    off_truth[np.arange(240), truth] = False
    for matrix in per_model:
        assert matrix.shape == (240, 24)
        assert np.isnan(matrix[~off_truth]).all()
        assert np.isfinite(matrix[off_truth]).all()
        assert np.abs(matrix[off_truth]).max() <= 10
    agreement = np.corrcoef(per_model[1][off_truth], per_model[2][off_truth])[0, 1]
    assert agreement > 0.3
