"""The paper's §9 statistics, recomputed from its per-model table by our own code."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from scipy import stats

COMPOSITE_COLUMNS = ("V4", "IT", "Behavior", "OST")


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
    result = stats.pearsonr(frame["composite"], frame["imagenet"])
    return Correlation(float(result.statistic), float(result.pvalue), len(frame))


def composite_ranking(table: pd.DataFrame) -> pd.Series:
    """Rank (1 = best) of every model with a composite, by descending composite."""
    composite = paper_composite(table).dropna().sort_values(ascending=False, kind="stable")
    return pd.Series(range(1, len(composite) + 1), index=composite.index, name="rank")
