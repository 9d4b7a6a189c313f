"""Representational similarity analysis (RSA): RDMs, their comparison, noise ceilings, errors.

- A model RDM is 1 − Pearson r between the images' feature vectors (float64, one matrix
  product, so it is never the bottleneck: 92 images × 100k features take milliseconds).
- RDMs are compared over their cells: the upper triangle for symmetric RDMs, every
  off-diagonal cell for matrices whose rows and columns come from different runs (Coggan &
  Tong 2024). The default comparison is Spearman's ρ. Kendall's τ_a (Nili et al. 2014, the
  choice for categorical model RDMs with many ties) is available for small matrices; our model
  RDMs are continuous, where ρ and τ_a rank models alike and ρ is O(n log n).
- The noise ceiling follows Nili et al. 2014: the upper bound correlates each subject with the
  mean of all subjects' RDMs (itself included), the lower bound with the mean of the others
  (leave one subject out). For rank comparisons the subjects' RDMs are rank-transformed before
  averaging, as Nili et al. do.
- The error of a score is the standard deviation of its bootstrap distribution over images:
  images are resampled with replacement, both RDMs are cut to the resampled submatrix, and
  cells pairing an image with a copy of itself are dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

Comparison = Literal["spearman", "pearson", "kendall_a"]
Cells = Literal["upper", "off_diagonal"]
# Kendall's tau-a compares every pair of cells: beyond this many cells use Spearman.
KENDALL_MAX_CELLS = 20_000


def rdm(features: np.ndarray) -> np.ndarray:
    """n_images × n_features → n_images × n_images dissimilarities 1 − Pearson r (float64).

    An image whose features are all equal has no correlation with anything: its row is NaN.
    """
    centered = np.asarray(features, dtype=np.float64).reshape(len(features), -1)
    centered = centered - centered.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(centered, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = centered / norms
    correlation = np.clip(unit @ unit.T, -1.0, 1.0)
    np.fill_diagonal(correlation, np.where(norms[:, 0] > 0, 1.0, np.nan))
    return 1.0 - correlation


def cell_indices(n: int, cells: Cells = "upper") -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the compared cells of an n × n matrix."""
    if cells == "upper":
        rows, cols = np.triu_indices(n, k=1)
        return rows, cols
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    return rows, cols


def vectorize(matrices: np.ndarray, cells: Cells = "upper") -> np.ndarray:
    """(..., n, n) → (..., n_cells): the compared cells of each matrix."""
    stack = np.asarray(matrices, dtype=np.float64)
    rows, cols = cell_indices(stack.shape[-1], cells)
    return stack[..., rows, cols]


def correlate(model: np.ndarray, data: np.ndarray, comparison: Comparison) -> np.ndarray:
    """Correlation of one model vector (n_cells,) with each data vector (n_subjects, n_cells)."""
    data = np.atleast_2d(np.asarray(data, dtype=np.float64))
    model = np.asarray(model, dtype=np.float64)
    if comparison == "kendall_a":
        return np.array([kendall_tau_a(model, row) for row in data])
    if comparison == "spearman":
        model, data = rank_rows(model[None])[0], rank_rows(data)
    return _pearson_rows(model, data)


def rank_rows(values: np.ndarray) -> np.ndarray:
    """Average ranks (1-based, ties share their mean rank) of each row, vectorised over rows
    (scipy's ``rankdata`` loops over them in Python); a row holding NaN ranks as all NaN."""
    rows, n = values.shape
    order = np.argsort(values, axis=1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=1)
    starts = np.ones((rows, n), dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    group = np.cumsum(starts, axis=1) - 1 + np.arange(rows)[:, None] * n
    positions = np.broadcast_to(np.arange(1, n + 1, dtype=np.float64), (rows, n))
    totals = np.bincount(group.ravel(), weights=positions.ravel(), minlength=rows * n)
    sizes = np.bincount(group.ravel(), minlength=rows * n)
    ranks = np.empty((rows, n))
    np.put_along_axis(ranks, order, totals[group] / sizes[group], axis=1)
    ranks[np.isnan(values).any(axis=1)] = np.nan
    return ranks


def _pearson_rows(vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
    centered_vector = vector - vector.mean()
    centered_rows = rows - rows.mean(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(
            centered_rows
            @ centered_vector
            / (np.linalg.norm(centered_rows, axis=-1) * np.linalg.norm(centered_vector))
        )


def kendall_tau_a(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's τ_a: (concordant − discordant pairs) / all pairs; ties count as neither, and
    unlike τ_b the denominator does not shrink with ties (Nili et al. 2014)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n = x.size
    if n > KENDALL_MAX_CELLS:
        raise ValueError(f"Kendall τ_a over {n} cells is too slow; use spearman")
    total = 0.0
    for start in range(0, n, 512):
        block = slice(start, start + 512)
        signs_x = np.sign(x[block, None] - x[None, :])
        signs_y = np.sign(y[block, None] - y[None, :])
        total += float((signs_x * signs_y).sum())
    return total / (n * (n - 1))  # each unordered pair was counted twice


@dataclass(frozen=True)
class NoiseCeiling:
    """Nili et al. 2014 bounds: mean over subjects, and each subject's value."""

    lower: float
    upper: float
    lower_per_subject: np.ndarray
    upper_per_subject: np.ndarray


def noise_ceiling(
    data_rdms: np.ndarray, comparison: Comparison = "spearman", cells: Cells = "upper"
) -> NoiseCeiling:
    """Bounds of the best possible mean correlation with ``data_rdms`` (subjects × n × n)."""
    vectors = vectorize(data_rdms, cells)
    if len(vectors) < 2:
        raise ValueError("a noise ceiling needs at least two subjects")
    averaged = rank_rows(vectors) if comparison != "pearson" else vectors
    total = averaged.sum(axis=0)
    upper = np.array(
        [correlate(total / len(vectors), row, comparison)[0] for row in vectors]
    )  # fmt: skip
    others = (total[None, :] - averaged) / (len(vectors) - 1)
    lower = np.array(
        [correlate(others[s], vectors[s], comparison)[0] for s in range(len(vectors))]
    )  # fmt: skip
    return NoiseCeiling(float(lower.mean()), float(upper.mean()), lower, upper)


def compare(
    model_rdm: np.ndarray,
    data_rdms: np.ndarray,
    comparison: Comparison = "spearman",
    cells: Cells = "upper",
) -> np.ndarray:
    """Each subject's correlation with the model over the compared cells."""
    data = np.asarray(data_rdms, dtype=np.float64)
    if data.ndim == 2:
        data = data[None]
    return correlate(vectorize(model_rdm, cells), vectorize(data, cells), comparison)


Statistic = Callable[[np.ndarray, np.ndarray], float]


def bootstrap_over_images(
    model_rdm: np.ndarray,
    data_rdms: np.ndarray,
    comparison: Comparison = "spearman",
    cells: Cells = "upper",
    n_bootstraps: int = 200,
    seed: int = 0,
) -> np.ndarray:
    """The mean-over-subjects correlation on ``n_bootstraps`` resamplings of the images.

    Each resampling draws n images with replacement and compares the submatrices of both
    RDMs; cells whose row and column are the same original image are left out. Spearman ranks
    within a resampling are counted from ranks computed once (no sort per resampling).
    """
    model = np.asarray(model_rdm, dtype=np.float64)
    data = np.asarray(data_rdms, dtype=np.float64)
    data = data[None] if data.ndim == 2 else data
    n = model.shape[0]
    matrices = np.concatenate([model[None], data]).reshape(len(data) + 1, n * n)
    dense = _dense_ranks(matrices) if comparison == "spearman" else None
    rows, cols = cell_indices(n, cells)
    generator = np.random.default_rng(seed)
    values = np.empty(n_bootstraps)
    for b in range(n_bootstraps):
        sample = np.asarray(generator.integers(0, n, size=n))
        left, right = sample[rows], sample[cols]
        flat = (left * n + right)[left != right]
        if dense is None:
            sampled = matrices[:, flat]
            per_subject = correlate(sampled[0], sampled[1:], comparison)
        else:
            ranks = _ranks_within(dense[:, flat], n * n)
            ranks[np.isnan(matrices[:, flat]).any(axis=1)] = np.nan
            per_subject = _pearson_rows(ranks[0], ranks[1:])
        values[b] = _finite_mean(per_subject)
    return values


def _dense_ranks(rows: np.ndarray) -> np.ndarray:
    """Each row's values as 0-based dense ranks (equal values share one)."""
    return np.stack([np.unique(row, return_inverse=True)[1].reshape(-1) for row in rows])


def _ranks_within(dense: np.ndarray, n_levels: int) -> np.ndarray:
    """Average ranks of each row's entries among that row's entries, from their dense ranks:
    a value's group ends at the running count of entries up to its level."""
    n_rows = len(dense)
    levels = dense + np.arange(n_rows)[:, None] * n_levels
    counts = np.bincount(levels.ravel(), minlength=n_rows * n_levels).reshape(n_rows, n_levels)
    ends = np.cumsum(counts, axis=1)
    group_end = np.take_along_axis(ends, dense, axis=1)
    group_size = np.take_along_axis(counts, dense, axis=1)
    return group_end - (group_size - 1) / 2.0


def _finite_mean(values: np.ndarray) -> float:
    """The mean of the finite values (a resampling with too few distinct images has none)."""
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else math.nan


@dataclass(frozen=True)
class RSAResult:
    """A model's RSA score against a set of subjects' RDMs."""

    raw: float
    error: float
    per_subject: np.ndarray
    ceiling: NoiseCeiling | None
    n_bootstraps: int

    def details(self) -> dict[str, object]:
        details: dict[str, object] = {
            "per_subject": self.per_subject.tolist(),
            "n_subjects": len(self.per_subject),
            "bootstrap": f"{self.n_bootstraps} resamplings of the images; error = their std",
        }
        if self.ceiling is not None:
            details.update(
                ceiling_lower=self.ceiling.lower,
                ceiling_upper=self.ceiling.upper,
                ceiling_lower_per_subject=self.ceiling.lower_per_subject.tolist(),
                ceiling_upper_per_subject=self.ceiling.upper_per_subject.tolist(),
            )
        return details


def rsa_score(
    model_rdm: np.ndarray,
    data_rdms: np.ndarray,
    comparison: Comparison = "spearman",
    cells: Cells = "upper",
    n_bootstraps: int = 200,
    seed: int = 0,
) -> RSAResult:
    """Mean correlation with the subjects' RDMs, its bootstrap error over images, and the
    noise ceiling when there are at least two subjects."""
    data = np.asarray(data_rdms, dtype=np.float64)
    data = data[None] if data.ndim == 2 else data
    per_subject = compare(model_rdm, data, comparison, cells)
    boot = bootstrap_over_images(model_rdm, data, comparison, cells, n_bootstraps, seed)
    ceiling = noise_ceiling(data, comparison, cells) if len(data) > 1 else None
    error = float(np.nanstd(boot)) if n_bootstraps > 1 else math.nan
    return RSAResult(float(np.mean(per_subject)), error, per_subject, ceiling, n_bootstraps)
