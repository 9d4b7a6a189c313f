"""Layer → region commitment (spec §2.4): score every candidate layer, keep the best ceiled one."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import xarray as xr

from scoring.metrics.neural import Convention, ceil_score, neural_predictivity
from scoring.score import Score

LayerMetric = Callable[[xr.DataArray, xr.DataArray], Score]


def select_layer(
    layer_activations: Mapping[str, xr.DataArray],
    target: xr.DataArray,
    ceiling: Score | float,
    *,
    metric: LayerMetric = neural_predictivity,
    convention: Convention = "a",
) -> tuple[str, dict[str, Score]]:
    """Argmax over layers (in the mapping's order) of the ceiled center; ties go to the first.

    The ceiling is a constant, so every convention picks the same layer.
    """
    if not layer_activations:
        raise ValueError("no candidate layers to select from")
    value = ceiling.raw if isinstance(ceiling, Score) else float(ceiling)
    error = ceiling.error if isinstance(ceiling, Score) else None
    scores = {
        layer: ceil_score(metric(activations, target), value, error, convention)
        for layer, activations in layer_activations.items()
    }
    best = max(scores, key=lambda layer: _rank_value(scores[layer]))
    return best, scores


def _rank_value(score: Score) -> float:
    center = score.center
    return float("-inf") if center != center else center
