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
