"""Behavioural consistency: I2n / I1n (spec §3.2, §8.1) and cross-entropy to human choices.

Every rate matrix is images × objects: entry (i, b) is the two-way rate of choosing
distractor b on image i (NaN on the image's true object). d′ and the "n" normalisation are
shared by the model, the objectome human trials and the CIFAR-10H human vote counts.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import xarray as xr
from scipy.special import ndtri

from scoring.score import Score

DPRIME_CLIP = 5.0
HalfPair = tuple[np.ndarray, np.ndarray]


def _nanmean(values: np.ndarray, axis: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=axis)


def two_way_rates(values: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """p_ib = X_ib / (X_ib + X_ia) for probabilities or vote counts X; NaN at b = a or 0/0."""
    values = np.asarray(values, dtype=np.float64)
    own = values[np.arange(len(truth)), truth][:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = values / (values + own)
    rates[np.arange(len(truth)), truth] = np.nan
    return rates


def two_way_rates_from_trials(
    image_index: np.ndarray,
    truth: np.ndarray,
    distractor: np.ndarray,
    choice: np.ndarray,
    n_images: int,
    n_objects: int,
) -> np.ndarray:
    """Per image: #trials choosing b / #trials offering b (trial arrays hold object indices)."""
    chosen = np.zeros((n_images, n_objects))
    offered = np.zeros((n_images, n_objects))
    np.add.at(chosen, (image_index, choice), 1)
    np.add.at(offered, (image_index, distractor), 1)
    np.add.at(offered, (image_index, truth[image_index]), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = np.where(offered > 0, chosen / offered, np.nan)
    rates[np.arange(n_images), truth] = np.nan
    return rates


def _object_means(values: np.ndarray, truth: np.ndarray, n_objects: int) -> np.ndarray:
    """Row k = nanmean of ``values`` over the images whose true object is k."""
    return np.vstack([_nanmean(values[truth == k], axis=0) for k in range(n_objects)])


def dprime(rates: np.ndarray, truth: np.ndarray, *, normalize: bool) -> np.ndarray:
    """d′_ib = Φ⁻¹(1 − p_ib) − Φ⁻¹(FAR_ab), clipped to ±5; FAR_ab = mean_{j of b} p_ja.

    ``normalize`` subtracts, per distractor b, the mean d′ over the images of the same object.
    """
    n_objects = rates.shape[1]
    confusion = _object_means(rates, truth, n_objects)
    false_alarms = confusion[:, truth].T
    with np.errstate(invalid="ignore"):
        values = np.clip(ndtri(1 - rates) - ndtri(false_alarms), -DPRIME_CLIP, DPRIME_CLIP)
    if normalize:
        values = values - _object_means(values, truth, n_objects)[truth]
    return values


def i1(rates: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Per-image d′ (unnormalised) averaged over distractors."""
    return _nanmean(dprime(rates, truth, normalize=False), axis=1)


def i1n(rates: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """I1 minus the mean I1 of the images of the same object."""
    values = i1(rates, truth)
    class_means = np.array([_nanmean(values[truth == k], axis=0) for k in range(rates.shape[1])])
    return values - class_means[truth]


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def consistency(
    model: np.ndarray, halves: Sequence[HalfPair], *, model_may_be_nan: bool = False
) -> Score:
    """Split-half behavioural consistency: raw_k = r(model, half0), ceiling_k = r(half0, half1).

    ceiled = mean_k raw_k / √ceiling_k. ``error`` is std₀ of raw_k (the raw score's error);
    ``details['ceiled_error']`` is std₀ of the per-repetition ceiled values.
    """
    raws, ceilings = [], []
    for half0, half1 in halves:
        target = np.isfinite(half0)
        if not model_may_be_nan and not np.isfinite(model[target]).all():
            raise ValueError("the model's matrix has NaN where the human matrix has values")
        usable = target & np.isfinite(model)
        raws.append(_pearson(model[usable], half0[usable]))
        both = target & np.isfinite(half1)
        ceilings.append(_pearson(half0[both], half1[both]))
    raw_k, ceiling_k = np.array(raws), np.array(ceilings)
    ceiled_k = raw_k / np.sqrt(ceiling_k)
    return Score(
        raw=float(raw_k.mean()),
        error=float(raw_k.std()),
        ceiling=float(ceiling_k.mean()),
        ceiling_error=float(ceiling_k.std()),
        ceiled=float(ceiled_k.mean()),
        details={
            "raw": raw_k,
            "ceiling": ceiling_k,
            "ceiled": ceiled_k,
            "ceiled_error": float(ceiled_k.std()),
        },
    )


# --- objectome (Rajalingham2018): one row per human trial ----------------------------------


def _aligned_probabilities(
    probabilities: xr.DataArray, stimulus_ids: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    ids = np.asarray(probabilities["stimulus_id"].values).astype(str)
    position = {sid: row for row, sid in enumerate(ids)}
    missing = [sid for sid in stimulus_ids if sid not in position]
    if missing:
        raise ValueError(f"model has no probabilities for {len(missing)} images, e.g. {missing[0]}")
    rows = [position[sid] for sid in stimulus_ids]
    values = np.asarray(probabilities.transpose("presentation", "choice").values)[rows]
    return values, [str(c) for c in probabilities["choice"].values]


def _object_indices(labels: np.ndarray, objects: list[str]) -> np.ndarray:
    index = {name: k for k, name in enumerate(objects)}
    unknown = sorted({str(label) for label in labels} - set(index))
    if unknown:
        raise ValueError(f"objects missing from the model's choices: {unknown[:3]}")
    return np.array([index[str(label)] for label in labels])


def _trial_rates(trials: xr.DataArray, objects: list[str], keep: np.ndarray) -> np.ndarray:
    ids = np.asarray(trials["stimulus_id"].values).astype(str)
    images, image_index = np.unique(ids, return_inverse=True)
    truth = _image_truth(trials, objects)
    return two_way_rates_from_trials(
        image_index[keep],
        truth,
        _object_indices(np.asarray(trials["dist_obj"].values)[keep], objects),
        _object_indices(np.asarray(trials.values)[keep], objects),
        len(images),
        len(objects),
    )


def _image_truth(trials: xr.DataArray, objects: list[str]) -> np.ndarray:
    ids = np.asarray(trials["stimulus_id"].values).astype(str)
    _, first = np.unique(ids, return_index=True)
    return _object_indices(np.asarray(trials["sample_obj"].values)[first], objects)


def human_trial_halves(
    trials: xr.DataArray, objects: list[str], n_repetitions: int = 2, random_state: int = 0
) -> list[HalfPair]:
    """Human I2n of two random halves of all trials, per repetition (one RandomState stream)."""
    truth = _image_truth(trials, objects)
    rng = np.random.RandomState(random_state)
    halves = []
    for _ in range(n_repetitions):
        order = rng.permutation(trials.sizes["presentation"])
        first = np.zeros(len(order), dtype=bool)
        first[order[: len(order) // 2]] = True
        halves.append(
            (
                dprime(_trial_rates(trials, objects, first), truth, normalize=True),
                dprime(_trial_rates(trials, objects, ~first), truth, normalize=True),
            )
        )
    return halves


def i2n(
    probabilities: xr.DataArray,
    human_trials: xr.DataArray,
    n_repetitions: int = 2,
    random_state: int = 0,
) -> Score:
    """Rajalingham2018 I2n of a model's ``presentation × choice`` probabilities.

    ``human_trials`` has one presentation per trial: value = chosen object, coords
    ``stimulus_id``, ``sample_obj`` (the truth) and ``dist_obj``.
    """
    images = np.unique(np.asarray(human_trials["stimulus_id"].values).astype(str))
    values, objects = _aligned_probabilities(probabilities, images)
    truth = _image_truth(human_trials, objects)
    model = dprime(two_way_rates(values, truth), truth, normalize=True)
    halves = human_trial_halves(human_trials, objects, n_repetitions, random_state)
    return consistency(model, halves)


# --- CIFAR-10H: vote counts per image -------------------------------------------------------


def split_votes(counts: np.ndarray, rng: np.random.RandomState) -> HalfPair:
    """Draw ⌊N_i/2⌋ of image i's N_i votes without replacement; the rest form the other half."""
    half = np.zeros_like(counts)
    for row, votes in enumerate(counts):
        ballots = np.repeat(np.arange(len(votes)), votes)
        drawn = rng.permutation(ballots)[: len(ballots) // 2]
        half[row] = np.bincount(drawn, minlength=len(votes))
    return half, counts - half


def vote_halves(
    counts: np.ndarray, n_repetitions: int = 2, random_state: int = 0
) -> list[HalfPair]:
    """Per repetition, the two vote-count halves (one RandomState stream for all)."""
    rng = np.random.RandomState(random_state)
    return [split_votes(np.asarray(counts, dtype=np.int64), rng) for _ in range(n_repetitions)]


def cifar10h_i2n(
    probabilities: np.ndarray,
    counts: np.ndarray,
    labels: np.ndarray,
    n_repetitions: int = 2,
    random_state: int = 0,
) -> Score:
    """I2n against CIFAR-10H vote counts (images × 10); entries finite in both are compared."""
    model = dprime(two_way_rates(probabilities, labels), labels, normalize=True)
    halves = [
        (
            dprime(two_way_rates(first, labels), labels, normalize=True),
            dprime(two_way_rates(second, labels), labels, normalize=True),
        )
        for first, second in vote_halves(counts, n_repetitions, random_state)
    ]
    return consistency(model, halves, model_may_be_nan=True)


def cifar10h_i1n(
    probabilities: np.ndarray,
    counts: np.ndarray,
    labels: np.ndarray,
    n_repetitions: int = 2,
    random_state: int = 0,
) -> Score:
    """I1n (per-image d′, class mean removed) against CIFAR-10H vote counts."""
    model = i1n(two_way_rates(probabilities, labels), labels)
    halves = [
        (i1n(two_way_rates(first, labels), labels), i1n(two_way_rates(second, labels), labels))
        for first, second in vote_halves(counts, n_repetitions, random_state)
    ]
    return consistency(model, halves, model_may_be_nan=True)


def cross_entropy(probabilities: np.ndarray, counts: np.ndarray, eps: float = 1e-12) -> Score:
    """Mean over images of −Σ_c h_ic log m_ic against the human choice distributions h.

    Lower is better; ``details['human_entropy']`` is the value a model equal to h would get.
    """
    human = np.asarray(counts, dtype=np.float64)
    human = human / human.sum(axis=1, keepdims=True)
    model = np.clip(np.asarray(probabilities, dtype=np.float64), eps, 1)
    per_image = -(human * np.log(model)).sum(axis=1)
    entropy = -(human * np.log(np.clip(human, eps, 1))).sum(axis=1)
    return Score(
        raw=float(per_image.mean()),
        error=float(per_image.std() / np.sqrt(len(per_image))),
        details={"human_entropy": float(entropy.mean())},
    )
