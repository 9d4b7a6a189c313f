"""The paper's §9 statistics, recomputed from its per-model table by our own code.

The composite rule of ``scoring.benchmarks.tree`` holds here too: a model has a composite only
when all four of its values exist. No r is computed from fewer than ``MIN_MODELS`` models.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from scipy import stats

COMPOSITE_COLUMNS = ("V4", "IT", "Behavior", "OST")
MIN_MODELS = 10
"""Fewer models than this give no r: three points gave r = −1.00, p = 0 on a fresh install."""
FIGURE_2_EXCLUDED = ("CORnet-S",)
"""The paper's Figure 2: "CORnet-S was excluded" (it was built with these benchmarks in view)."""


@dataclass(frozen=True)
class PaperValue:
    """A correlation as the paper reports it (Figure 2's panels)."""

    r: float
    n: int


FIGURE_2_PAPER = {
    "IT vs IT (new neurons)": PaperValue(0.870, 44),
    "IT vs IT (new images)": PaperValue(0.568, 44),
    "Behavior vs Behavior (new data)": PaperValue(0.851, 44),
    "Brain-Score vs CIFAR-100": PaperValue(0.645, 35),
}


@dataclass(frozen=True)
class Correlation:
    """Pearson r between two columns over ``n`` models, with its two-sided p value."""

    r: float
    p: float
    n: int


def paper_composite(table: pd.DataFrame) -> pd.Series:
    """Brain-Score 2019 = mean of the raw V4, IT, Behavior and OST values; NaN if any is missing."""
    return table[list(COMPOSITE_COLUMNS)].mean(axis=1, skipna=False).rename("composite")


def composite_deviation(table: pd.DataFrame) -> float:
    """Largest |our composite − the table's Brain-Score column| over the models that have one."""
    published = table["Brain-Score"]
    ours = paper_composite(table)
    if (ours.isna() != published.isna()).any():
        raise ValueError("our composite and the table disagree on which models have one")
    return float((ours - published).abs().max())


def imagenet_correlation(
    table: pd.DataFrame, below: float | None = None, above: float | None = None
) -> Correlation:
    """Pearson r of our composite with ImageNet top-1, for top-1 < ``below`` / ≥ ``above``."""
    frame = pd.DataFrame(
        {"composite": paper_composite(table), "imagenet": table["ImageNet"]}
    ).dropna()
    if below is not None:
        frame = frame[frame["imagenet"] < below]
    if above is not None:
        frame = frame[frame["imagenet"] >= above]
    result = pearson(frame["composite"], frame["imagenet"])
    if result is None:
        raise ValueError(f"{len(frame)} models: fewer than {MIN_MODELS}, no r")
    return result


def pearson(x: Sequence[float] | pd.Series, y: Sequence[float] | pd.Series) -> Correlation | None:
    """Pearson r with its p value; ``None`` below ``MIN_MODELS`` pairs or for a constant side."""
    n = len(x)
    if n < MIN_MODELS:
        return None
    result = stats.pearsonr(x, y)
    r, p = float(result.statistic), float(result.pvalue)
    return Correlation(r, p, n) if math.isfinite(r) and math.isfinite(p) else None


def figure_2_correlations(table: pd.DataFrame) -> dict[str, Correlation | None]:
    """Figure 2 from the paper's table, CORnet-S excluded as in the paper."""
    kept = table.drop(index=[m for m in FIGURE_2_EXCLUDED if m in table.index])
    pairs = {
        "IT vs IT (new neurons)": (kept["IT"], kept["IT (new data)"]),
        "IT vs IT (new images)": (kept["IT"], kept["IT (new images)"]),
        "Behavior vs Behavior (new data)": (kept["Behavior"], kept["Behavior (new data)"]),
        "Brain-Score vs CIFAR-100": (paper_composite(kept), kept["CIFAR-100"]),
    }
    found = {}
    for label, (x, y) in pairs.items():
        both = pd.DataFrame({"x": x, "y": y}).dropna()
        found[label] = pearson(both["x"], both["y"])
    return found


def composite_ranking(table: pd.DataFrame) -> pd.Series:
    """Rank (1 = best) of every model with a composite, by descending composite."""
    composite = paper_composite(table).dropna().sort_values(ascending=False, kind="stable")
    return pd.Series(range(1, len(composite) + 1), index=composite.index, name="rank")
