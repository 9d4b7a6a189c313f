"""The result of a benchmark: raw and ceiled values, their errors, and the details behind them."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Score:
    """One model on one benchmark.

    ``raw`` is the unceiled score, ``ceiling`` the data's internal consistency (``None`` when
    the benchmark has none), ``ceiled`` the score under the benchmark's ceiling convention, and
    ``error`` the error of the raw score (never rescaled by the ceiling). ``details`` holds
    JSON-ready per-split / per-neuroid / per-layer values.
    """

    raw: float
    error: float
    ceiling: float | None = None
    ceiling_error: float | None = None
    ceiled: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def center(self) -> float:
        """The headline value: ceiled where a ceiling applies, raw otherwise."""
        return self.raw if self.ceiled is None else self.ceiled

    def to_json(self) -> dict[str, Any]:
        return _json_ready(asdict(self))


def mean_and_sem(values: np.ndarray) -> tuple[float, float]:
    """Mean over splits and its standard error with the population std (ddof 0), NaN-skipping."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return math.nan, math.nan
    return float(finite.mean()), float(finite.std(ddof=0) / math.sqrt(finite.size))


BOOTSTRAP_SAMPLES = 1000


def bootstrap_sem(values: np.ndarray, samples: int = BOOTSTRAP_SAMPLES, seed: int = 0) -> float:
    """Standard error of the mean of per-image ``values`` by bootstrap over images: the error of
    a single-split metric (the per-image std would describe images, not the score)."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size < 2:
        return math.nan
    rng = np.random.default_rng(seed)
    means = np.empty(samples)
    chunk = max(1, 2_000_000 // finite.size)  # bounded memory for 50,000 ImageNet images
    for start in range(0, samples, chunk):
        stop = min(samples, start + chunk)
        picks = rng.integers(0, finite.size, size=(stop - start, finite.size))
        means[start:stop] = finite[picks].mean(axis=1)
    return float(means.std(ddof=1))


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, np.ndarray):
        return _json_ready(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
