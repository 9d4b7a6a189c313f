"""The SYNTHETIC neural suite: planted reliability, and (with the shipped files) the generator
model near the ceiling, above a pixel baseline, and picked by layer selection."""

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
    PLANTED_RELIABILITY,
    plant_region,
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


def test_shipped_synthetic_files_recover_the_planted_reliability() -> None:
    for region in ("V4", "IT"):
        benchmark = load_benchmark(f"Synthetic-{region}-pls")
        assert benchmark.data_installed()
        assert benchmark.ceiling().raw == pytest.approx(PLANTED_RELIABILITY, abs=0.02)


@pytest.mark.slow
def test_generator_layer_beats_the_pixel_baseline_and_is_selected(stand_in: type) -> None:
    benchmark = load_benchmark("Synthetic-IT-pls", n_splits=3)
    assert isinstance(benchmark, NeuralPredictivityBenchmark)
    choice = select_layer(GENERATOR, "IT", benchmark)
    assert choice.layer == GENERATOR_LAYERS["IT"]
    stimuli, _ = benchmark.trials()
    pixels = stand_in()
    pixels.features = dict(zip(stimuli.stimulus_ids, pixels.readout_features(stimuli), strict=True))
    baseline = benchmark(pixels)
    assert baseline.center < choice.scores[GENERATOR_LAYERS["IT"]] - 0.3
