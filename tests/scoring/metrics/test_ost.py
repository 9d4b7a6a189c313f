from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import xarray as xr

from scoring.metrics.ost import (
    DecoderConfig,
    decoder_probabilities,
    object_solution_times,
    object_solution_times_by_target,
    predicted_solution_times,
    train_decoder,
)


def test_interpolation_by_hand() -> None:
    bins = np.array([70, 80, 90])
    i1_per_bin = np.array(
        [
            # A: hit at 90 (2.0), last 80 (1.0) → 80 + (1.5 − 1.0)·10 / 1.0 = 85
            # B: hit in the first bin → its start, 70
            # C: never reaches → NaN
            # D: last stays at 70 (0.8 is lower) → 70 + (1.1 − 1.0)·20 / 0.2 = 80
            # E: 1.0 then 1.0 is no strict increase, last stays 70 → 70 + 0.5·20 / 1.0 = 80
            [0.5, 2.0, 0.1, 1.0, 1.0],
            [1.0, 2.5, 0.2, 0.8, 1.0],
            [2.0, 3.0, 0.3, 1.2, 2.0],
        ]
    )
    thresholds = np.array([1.5, 1.0, 5.0, 1.1, 1.5])
    predicted = predicted_solution_times(i1_per_bin, thresholds, bins)
    np.testing.assert_allclose(predicted, [85, 70, np.nan, 80, 80])


def test_tracking_stops_at_the_first_hit() -> None:
    predicted = predicted_solution_times(
        np.array([[0.0], [2.0], [0.5], [3.0]]), np.array([1.0]), np.array([0, 10, 20, 30])
    )
    np.testing.assert_allclose(predicted, [5.0])


def test_decoder_generalises_on_wide_features() -> None:
    # lr 1e-4 and the 0.463 penalty only learn with wide features, as in the reference (25k)
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 30)
    features = rng.normal(size=(300, 3000)) + rng.normal(size=(10, 3000))[labels] * 0.5
    train, test = np.arange(300) % 3 != 0, np.arange(300) % 3 == 0
    config = DecoderConfig(max_epochs=40)
    probabilities = decoder_probabilities(
        features[train], labels[train], features[test], 10, config
    )
    assert (probabilities.argmax(axis=1) == labels[test]).mean() > 0.8
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)
    first = train_decoder(features[:64], labels[:64], 10, DecoderConfig(max_epochs=2))
    again = train_decoder(features[:64], labels[:64], 10, DecoderConfig(max_epochs=2))
    assert torch.equal(first.weight, again.weight)
    assert torch.equal(first.bias, again.bias)


def _synthetic_kar(static: bool = False) -> tuple[xr.DataArray, xr.DataArray]:
    """SYNTHETIC: 10 objects × 30 images; object evidence grows over 4 bins at an image's pace."""
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 30)
    speed = rng.uniform(0.1, 1.0, size=300)
    bins = np.array([70, 80, 90, 100])
    growth = np.ones(4) if static else (np.arange(4) + 1) / 4
    prototypes = rng.normal(size=(10, 3000))
    evidence = speed[:, None, None] * growth[None, :, None] * prototypes[labels][:, None, :]
    features = evidence + rng.normal(size=(300, 4, 3000)) * (not static)
    ids = [f"im{i:03d}" for i in range(300)]
    source = xr.DataArray(
        features,
        dims=("presentation", "time_bin", "neuroid"),
        coords={
            "stimulus_id": ("presentation", ids),
            "time_bin_start": ("time_bin", bins),
            "time_bin_end": ("time_bin", bins + 10),
        },
    )
    target = xr.DataArray(
        200 - 100 * speed,
        dims="presentation",
        coords={
            "stimulus_id": ("presentation", ids),
            "image_label": ("presentation", [f"obj{k}" for k in labels]),
            "i1": ("presentation", np.full(300, 2.0)),
        },
    )
    return source, target


def test_end_to_end_recovers_the_planted_order() -> None:
    source, target = _synthetic_kar()
    score = object_solution_times(
        source, target, n_splits=2, test_size=0.2, config=DecoderConfig(max_epochs=20)
    )
    assert score.ceiling == 0.79
    assert score.ceiled == pytest.approx(score.raw / 0.79)
    assert len(score.details["split_correlations"]) == 2
    assert score.raw > 0.2


def test_static_model_gets_nan() -> None:
    source, target = _synthetic_kar(static=True)
    score = object_solution_times(source, target, n_splits=1)
    assert math.isnan(score.raw)
    assert "feed-forward" in score.details["reason"]


def test_several_primate_targets_share_the_models_decoders() -> None:
    """Kar2019 holds svm- and logistic-decoded primate OSTs; the paper used the logistic ones,
    so both are scored in one run (issue 16)."""
    source, target = _synthetic_kar()
    reversed_target = target.copy(data=target.values[::-1].copy())
    config = DecoderConfig(max_epochs=20)
    both = object_solution_times_by_target(
        source,
        {"svm": target, "logistic": reversed_target},
        n_splits=2,
        test_size=0.2,
        config=config,
    )
    alone = object_solution_times(source, target, n_splits=2, test_size=0.2, config=config)
    assert both["svm"].raw == pytest.approx(alone.raw)
    assert both["logistic"].raw != pytest.approx(alone.raw)
    static_source, static_target = _synthetic_kar(static=True)
    static = object_solution_times_by_target(
        static_source, {"svm": static_target, "logistic": static_target}, n_splits=1
    )
    assert all(math.isnan(score.raw) for score in static.values())
