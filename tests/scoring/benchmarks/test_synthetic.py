"""The SYNTHETIC neural suite: planted reliability and low-rank drive, and (with the shipped
files) the generator model near the ceiling, far above a pixel baseline, and picked by layer
selection in both regions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.benchmarks import load_benchmark
from scoring.benchmarks.neural import NeuralPredictivityBenchmark
from scoring.benchmarks.run import select_layer
from scoring.data.stimuli import StimulusSet
from scoring.metrics.neural import internal_consistency_ceiling
from scoring.synthetic_data import (
    GENERATOR,
    GENERATOR_LAYERS,
    PLANTED_COMPONENTS,
    PLANTED_RELIABILITY,
    plant_region,
    planted_drive,
    trials_assembly,
)


def _fake_stimuli(n: int) -> StimulusSet:
    ids = [f"img{i:04d}" for i in range(n)]
    meta = pd.DataFrame({"stimulus_id": ids, "image_label": [f"c{i % 10}" for i in range(n)]})
    return StimulusSet("fake", meta, {sid: f"/nonexistent/{sid}" for sid in ids})


def test_split_half_ceiling_recovers_the_planted_reliability() -> None:
    features = np.random.RandomState(0).randn(1000, 64) ** 2
    regions = [plant_region("V4", features, 40, seed=1), plant_region("IT", features, 60, seed=2)]
    trials = trials_assembly(_fake_stimuli(1000), regions, seed=3)
    for region in ("V4", "IT"):
        in_region = np.flatnonzero(trials["region"].values == region)
        ceiling = internal_consistency_ceiling(trials.isel(neuroid=in_region))
        assert ceiling.raw == pytest.approx(PLANTED_RELIABILITY, abs=0.02)


def test_planted_rates_are_positive_and_deterministic() -> None:
    features = np.random.RandomState(0).randn(200, 16)
    first = plant_region("V4", features, 10, seed=1)
    again = plant_region("V4", features, 10, seed=1)
    assert (first.signal > 0).all()
    assert np.array_equal(first.signal, again.signal)
    reliability = first.signal.var(axis=0) / (first.signal.var(axis=0) + first.noise_sd**2 / 10)
    assert reliability == pytest.approx(np.full(10, PLANTED_RELIABILITY))


def test_planted_drive_is_low_rank_in_the_generator_features() -> None:
    features = np.random.RandomState(0).randn(300, 500) ** 2
    drive = planted_drive(features, 60, seed=1)
    assert np.linalg.matrix_rank(drive) == PLANTED_COMPONENTS
    assert drive.mean(axis=0) == pytest.approx(np.zeros(60), abs=1e-9)
    assert drive.std(axis=0) == pytest.approx(np.ones(60))


def test_shipped_synthetic_files_recover_the_planted_reliability() -> None:
    for region in ("V4", "IT"):
        benchmark = load_benchmark(f"Synthetic-{region}-pls")
        assert benchmark.data_installed()
        assert benchmark.ceiling().raw == pytest.approx(PLANTED_RELIABILITY, abs=0.02)


@pytest.mark.slow
@pytest.mark.parametrize("region", ["V4", "IT"])
def test_generator_is_selected_near_the_ceiling_and_far_above_pixels(
    region: str, stand_in: type
) -> None:
    benchmark = load_benchmark(f"Synthetic-{region}-pls", n_splits=1)
    assert isinstance(benchmark, NeuralPredictivityBenchmark)
    choice = select_layer(GENERATOR, region, benchmark)
    generator = choice.scores[GENERATOR_LAYERS[region]]
    assert choice.layer == GENERATOR_LAYERS[region]
    assert generator >= 0.8  # ceiled (convention b); a perfect predictor would get 1/0.8
    stimuli, _ = benchmark.trials()
    pixels = stand_in()
    pixels.features = dict(zip(stimuli.stimulus_ids, pixels.readout_features(stimuli), strict=True))
    assert benchmark(pixels).center < generator - 0.5
