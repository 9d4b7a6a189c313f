"""Neural predictivity (PLS, spec §3.1), its internal-consistency ceiling and the ceiled score.

Assemblies are ``xr.DataArray`` with dims ``("presentation", "neuroid"[, "time_bin"])``; a
single time bin is squeezed. Images are aligned and split in sorted ``stimulus_id`` order
([decision] §0: the reference splits over the assembly's stored order, which we cannot know
for imported files; sorting makes splits reproducible from the ids alone).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Literal

import numpy as np
import xarray as xr
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

from scoring.metrics.pls import fit_pls, one_blas_thread
from scoring.score import Score, mean_and_sem

FitPredict = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
Convention = Literal["a", "b", "c"]


def pls_fit_predict(n_components: int = 25) -> FitPredict:
    """Our fast PLS (same predictions as sklearn's PLSRegression(scale=False))."""

    def fit_predict(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray) -> np.ndarray:
        return fit_pls(train_x, train_y, n_components, copy=False).predict(test_x)

    return fit_predict


def as_matrix(assembly: xr.DataArray) -> np.ndarray:
    """Values as presentation × neuroid; a size-1 ``time_bin`` is squeezed."""
    if "time_bin" in assembly.dims:
        if assembly.sizes["time_bin"] != 1:
            raise ValueError("neural metrics take one time bin; select it first")
        assembly = assembly.isel(time_bin=0)
    return np.asarray(assembly.transpose("presentation", "neuroid").values)


def sort_by_stimulus(assembly: xr.DataArray) -> xr.DataArray:
    order = np.argsort(np.asarray(assembly["stimulus_id"].values).astype(str), kind="stable")
    return assembly.isel(presentation=order)


def pearson_columns(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson r of each column of ``a`` with the same column of ``b``; NaN for constants."""
    a = a - a.mean(axis=0)
    b = b - b.mean(axis=0)
    denominator = np.sqrt((a * a).sum(axis=0) * (b * b).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, (a * b).sum(axis=0) / denominator, np.nan)


def _aligned(source: xr.DataArray, target: xr.DataArray) -> tuple[xr.DataArray, xr.DataArray]:
    source, target = sort_by_stimulus(source), sort_by_stimulus(target)
    source_ids = np.asarray(source["stimulus_id"].values).astype(str)
    target_ids = np.asarray(target["stimulus_id"].values).astype(str)
    if len(set(target_ids)) != len(target_ids):
        raise ValueError("target has repeated stimulus_id values; average repetitions first")
    if not np.array_equal(source_ids, target_ids):
        raise ValueError("source and target must hold the same stimulus_id values")
    return source, target


def _split_correlations(
    x: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray, fit_predict: FitPredict
) -> np.ndarray:
    predicted = fit_predict(x[train], y[train], x[test])
    return pearson_columns(predicted, y[test])


def neural_predictivity(
    source: xr.DataArray,
    target: xr.DataArray,
    *,
    stratify_coord: str = "object_name",
    n_splits: int = 10,
    train_size: float = 0.9,
    n_components: int = 25,
    random_state: int = 1,
    fit_predict: FitPredict | None = None,
    n_jobs: int | None = None,
) -> Score:
    """Cross-validated PLS predictivity of ``target`` (repetition-averaged) from ``source``.

    Per split: fit on train images, Pearson r per neuroid over test images, nanmedian over
    neuroids. Raw = mean over splits, error = SEM (ddof 0). Splits run in ``n_jobs`` threads
    (default: one per CPU), each with one BLAS thread.
    """
    source, target = _aligned(source, target)
    x = as_matrix(source).astype(np.float32, copy=False)
    y = as_matrix(target).astype(np.float64, copy=False)
    splitter = StratifiedShuffleSplit(
        n_splits=n_splits, train_size=train_size, test_size=None, random_state=random_state
    )
    labels = np.asarray(target[stratify_coord].values)
    splits = list(splitter.split(np.zeros(len(labels)), labels))
    regress = fit_predict or pls_fit_predict(n_components)
    workers = min(len(splits), n_jobs or os.cpu_count() or 1)
    with one_blas_thread():
        per_split = Parallel(n_jobs=workers, prefer="threads")(
            delayed(_split_correlations)(x, y, train, test, regress) for train, test in splits
        )
    correlations = np.vstack(per_split)
    return _predictivity_score(correlations, target)


def _predictivity_score(correlations: np.ndarray, target: xr.DataArray) -> Score:
    split_medians = np.nanmedian(correlations, axis=1)
    raw, error = mean_and_sem(split_medians)
    details = {
        "split_medians": split_medians,
        "neuroid_id": [str(n) for n in target["neuroid_id"].values],
        "neuroid_r": correlations,
    }
    return Score(raw=raw, error=error, details=details)


def leave_one_image_out_predictivity(
    source: xr.DataArray,
    target: xr.DataArray,
    *,
    n_components: int = 5,
    n_bootstrap: int = 1000,
    random_state: int = 0,
    fit_predict: FitPredict | None = None,
) -> Score:
    """Predictivity for small image sets: each image predicted by a fit on all the others.

    The held-out predictions of every image are pooled; raw = median over neuroids of the
    Pearson r between predicted and measured responses across images. Error = std of that
    median over ``n_bootstrap`` resamples of the images (predictions fixed).

    A held-out prediction is taken relative to its training mean: the training mean of the
    other 24 images is anti-correlated with the held-out response by construction (it is
    (sum − y_i)/(n − 1)), which biases leave-one-out correlations negative for weak features
    (towards −1 as the fit shrinks). The deviation from it depends on the training images and
    the held-out features only, so features unrelated to the responses score ≈ 0.
    """
    source, target = _aligned(source, target)
    x = row_space_coordinates(as_matrix(source))
    y = as_matrix(target).astype(np.float64, copy=False)
    regress = fit_predict or pls_fit_predict(n_components)
    predicted = np.empty_like(y)
    for held_out in range(len(y)):
        train = np.arange(len(y)) != held_out
        prediction = regress(x[train], y[train], x[held_out : held_out + 1])[0]
        predicted[held_out] = prediction - y[train].mean(axis=0)
    correlations = pearson_columns(predicted, y)
    resampled = _bootstrap_medians(predicted, y, n_bootstrap, random_state)
    details = {
        "neuroid_id": [str(n) for n in target["neuroid_id"].values],
        "neuroid_r": correlations,
        "n_images": len(y),
        "n_components": n_components,
    }
    return Score(
        raw=float(np.nanmedian(correlations)), error=float(np.std(resampled)), details=details
    )


def row_space_coordinates(features: np.ndarray) -> np.ndarray:
    """The images' coordinates in the span of their own feature vectors (n × ≤n).

    PLS and ridge see features only through projections onto the training images, so these
    coordinates give the same predictions as the full features (exact up to rounding), and
    every fit on a few images costs microseconds instead of passes over 10⁵ features.
    """
    values = np.asarray(features, dtype=np.float64)
    u, singular, _ = np.linalg.svd(values, full_matrices=False)
    return u * singular


def _bootstrap_medians(
    predicted: np.ndarray, measured: np.ndarray, n_bootstrap: int, random_state: int
) -> np.ndarray:
    rng = np.random.default_rng(random_state)
    medians = []
    for _ in range(n_bootstrap):
        images = rng.integers(0, len(measured), size=len(measured))
        with np.errstate(invalid="ignore"):
            medians.append(np.nanmedian(pearson_columns(predicted[images], measured[images])))
    return np.asarray(medians)


# --- repetitions and the ceiling ----------------------------------------------------------


def _image_indicator(image_index: np.ndarray, keep: np.ndarray, n_images: int) -> sparse.csr_matrix:
    rows = image_index[keep]
    columns = np.flatnonzero(keep)
    ones = np.ones(len(rows))
    return sparse.csr_matrix((ones, (rows, columns)), shape=(n_images, len(image_index)))


def _image_means(values: np.ndarray, image_index: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Mean over the kept trials of each image; NaN for images with none."""
    n_images = int(image_index.max()) + 1
    indicator = _image_indicator(image_index, keep, n_images)
    counts = np.asarray(indicator.sum(axis=1)).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        return (indicator @ values) / counts[:, None]


def average_repetitions(trials: xr.DataArray) -> xr.DataArray:
    """Mean over trials per ``stimulus_id`` (sorted), keeping the per-image coordinates."""
    ids = np.asarray(trials["stimulus_id"].values).astype(str)
    images, first, image_index = np.unique(ids, return_index=True, return_inverse=True)
    values = np.asarray(trials.transpose("presentation", ...).values)
    flat = values.reshape(len(ids), -1)
    means = _image_means(flat, image_index, np.ones(len(ids), dtype=bool))
    coords = {
        name: ("presentation", np.asarray(coord.values)[first])
        for name, coord in trials.coords.items()
        if coord.dims == ("presentation",) and name != "repetition"
    }
    coords["stimulus_id"] = ("presentation", images)
    other = {
        name: coord for name, coord in trials.coords.items() if "presentation" not in coord.dims
    }
    dims = ("presentation", *[d for d in trials.dims if d != "presentation"])
    averaged = xr.DataArray(means.reshape(len(images), *values.shape[1:]), dims=dims)
    return averaged.assign_coords({**coords, **other}).assign_attrs(trials.attrs)


def spearman_brown(correlation: np.ndarray, n: float = 2) -> np.ndarray:
    return n * correlation / (1 + (n - 1) * correlation)


def _half_consistency(
    values: np.ndarray, image_index: np.ndarray, in_half: np.ndarray
) -> np.ndarray:
    half_a = _image_means(values, image_index, in_half)
    half_b = _image_means(values, image_index, ~in_half)
    return _consistency(half_a, half_b)


def internal_consistency_ceiling(
    trials: xr.DataArray, n_splits: int = 10, random_state: int = 1
) -> Score:
    """Split-half reliability over repetitions, Spearman–Brown corrected (n = 2).

    Halves come from ``ShuffleSplit(train_size=0.5)`` over the unique ``repetition`` values.
    Per split: nanmedian over neuroids; ceiling = mean over splits, error = SEM.
    """
    ids = np.asarray(trials["stimulus_id"].values).astype(str)
    _, image_index = np.unique(ids, return_inverse=True)
    unique_repetitions, repetition_index = np.unique(
        np.asarray(trials["repetition"].values), return_inverse=True
    )
    values = as_matrix(trials).astype(np.float64, copy=False)
    sums, counts = _sums_per_repetition(values, image_index, repetition_index)
    splitter = ShuffleSplit(n_splits=n_splits, train_size=0.5, random_state=random_state)
    split_ceilings, per_neuroid = [], []
    for train, _ in splitter.split(unique_repetitions):
        in_half = np.isin(np.arange(len(unique_repetitions)), train)
        half_a = _half_means(sums, counts, in_half)
        half_b = _half_means(sums, counts, ~in_half)
        corrected = spearman_brown(_consistency(half_a, half_b))
        per_neuroid.append(corrected)
        split_ceilings.append(np.nanmedian(corrected))
    center, error = mean_and_sem(np.array(split_ceilings))
    details = {"split_ceilings": split_ceilings, "neuroid_ceilings": np.vstack(per_neuroid)}
    return Score(raw=center, error=error, details=details)


def _sums_per_repetition(
    values: np.ndarray, image_index: np.ndarray, repetition_index: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sum and count of the trials of each (repetition, image): one pass over the trials.

    Every split then averages its halves from these (repetitions × images × neuroids) sums
    instead of from the trials again.
    """
    n_images, n_repetitions = int(image_index.max()) + 1, int(repetition_index.max()) + 1
    cell = repetition_index * n_images + image_index
    indicator = sparse.csr_matrix(
        (np.ones(len(cell)), (cell, np.arange(len(cell)))),
        shape=(n_repetitions * n_images, len(cell)),
    )
    sums = (indicator @ values).reshape(n_repetitions, n_images, -1)
    counts = np.bincount(cell, minlength=n_repetitions * n_images).reshape(n_repetitions, -1)
    return sums, counts


def _half_means(sums: np.ndarray, counts: np.ndarray, in_half: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums[in_half].sum(axis=0) / counts[in_half].sum(axis=0)[:, None]


def _consistency(half_a: np.ndarray, half_b: np.ndarray) -> np.ndarray:
    both = np.isfinite(half_a).all(axis=1) & np.isfinite(half_b).all(axis=1)
    return pearson_columns(half_a[both], half_b[both])


def split_half_consistency(trials: xr.DataArray, in_half: np.ndarray) -> np.ndarray:
    """Per-neuroid Pearson r between the mean of the trials in ``in_half`` and of the rest."""
    ids = np.asarray(trials["stimulus_id"].values).astype(str)
    _, image_index = np.unique(ids, return_inverse=True)
    return _half_consistency(as_matrix(trials).astype(np.float64), image_index, in_half)


# --- ceiling conventions ------------------------------------------------------------------


def ceiled_value(raw: float, ceiling: float, convention: Convention) -> float:
    """(a) R/C (preprint), (b) (R/C)² (NeurIPS 2019 and leaderboard 2019–2025), (c) R²/C."""
    if convention == "a":
        return raw / ceiling
    if convention == "b":
        return (raw / ceiling) ** 2
    if convention == "c":
        return raw**2 / ceiling
    raise ValueError(f"unknown ceiling convention {convention!r}; use 'a', 'b' or 'c'")


def ceil_score(
    raw: Score, ceiling: float, ceiling_error: float | None, convention: Convention = "b"
) -> Score:
    """``raw`` with its ceiling applied; the error stays the raw score's error."""
    return Score(
        raw=raw.raw,
        error=raw.error,
        ceiling=ceiling,
        ceiling_error=ceiling_error,
        ceiled=ceiled_value(raw.raw, ceiling, convention),
        details={**raw.details, "ceiling_convention": convention},
    )
