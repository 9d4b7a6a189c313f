from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from scoring.metrics.layer_selection import select_layer
from scoring.metrics.neural import average_repetitions, neural_predictivity
from scoring.score import Score


def _features(target: xr.DataArray, values: np.ndarray) -> xr.DataArray:
    return xr.DataArray(
        values,
        dims=("presentation", "neuroid"),
        coords={"stimulus_id": ("presentation", target["stimulus_id"].values)},
    )


def _three_split_metric(source: xr.DataArray, target: xr.DataArray) -> Score:
    return neural_predictivity(source, target, n_splits=3, n_components=10)


def test_select_layer_picks_the_generator_and_breaks_ties_to_the_first(
    synthetic_population: xr.DataArray,
) -> None:
    target = average_repetitions(synthetic_population)
    rng = np.random.default_rng(0)
    generator = target.values @ rng.normal(size=(168, 200))
    layers = {
        "noise": _features(target, rng.normal(size=(160, 200))),
        "generator": _features(target, generator),
        "generator_copy": _features(target, generator.copy()),
    }
    best, scores = select_layer(layers, target, 0.8, metric=_three_split_metric)
    assert best == "generator"
    assert scores["generator"].ceiled == pytest.approx(scores["generator"].raw / 0.8)
    assert scores["generator"].center == scores["generator_copy"].center
    assert scores["noise"].center < scores["generator"].center - 0.3


def test_select_layer_needs_a_layer(synthetic_population: xr.DataArray) -> None:
    with pytest.raises(ValueError):
        select_layer({}, synthetic_population, 0.8)
