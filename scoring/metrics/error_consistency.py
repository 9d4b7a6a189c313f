"""Trial-by-trial agreement with people on the 16-class ImageNet experiments of Geirhos et al.

- 16-class decisions from 1000-way ImageNet probabilities: each category's probability is the
  mean of its ImageNet classes' probabilities (the model-vs-human default, ``np.mean`` in
  ``ImageNetProbabilitiesTo16ClassesMapping``), the decision is the most probable category.
- Error consistency (Geirhos et al. 2020): Cohen's κ between two observers' correct/wrong
  vectors over the same images, κ = (c_obs − c_exp) / (1 − c_exp) with
  c_exp = p₁p₂ + (1 − p₁)(1 − p₂) from their accuracies p₁, p₂.
- Shape bias (Geirhos et al. 2019): on cue-conflict images whose shape and texture classes
  differ, shape decisions / (shape + texture decisions); other decisions are ignored.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import TypeAlias

import numpy as np

from scoring.score import Score, mean_and_sem

Labels: TypeAlias = Sequence[str] | np.ndarray


def pooled_decisions(
    probabilities: np.ndarray, category_indices: Mapping[str, Sequence[int]]
) -> np.ndarray:
    """Per image (row of 1000-way ``probabilities``): the category whose classes' mean
    probability is highest; ties go to the first category in ``category_indices`` order."""
    names = list(category_indices)
    pooled = np.stack(
        [probabilities[:, list(category_indices[name])].mean(axis=1) for name in names], axis=1
    )
    return np.asarray(names, dtype=object)[pooled.argmax(axis=1)]


def cohens_kappa(correct_a: np.ndarray, correct_b: np.ndarray) -> float:
    """Error consistency of two correct/wrong vectors; NaN when both are always right or
    always wrong (c_exp = 1: agreement is certain, κ undefined)."""
    a, b = np.asarray(correct_a, dtype=bool), np.asarray(correct_b, dtype=bool)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("error consistency needs two equally long, non-empty vectors")
    p_a, p_b = a.mean(), b.mean()
    expected = p_a * p_b + (1 - p_a) * (1 - p_b)
    observed = float(np.mean(a == b))
    if math.isclose(expected, 1.0):
        return math.nan
    return float((observed - expected) / (1 - expected))


def error_consistency(model_correct: np.ndarray, subjects_correct: np.ndarray) -> Score:
    """Mean κ of the model with each subject (rows of ``subjects_correct``, images in the
    model's order); error = SEM over subjects; per-subject κ in details."""
    kappas = np.array([cohens_kappa(model_correct, row) for row in subjects_correct])
    raw, error = mean_and_sem(kappas)
    return Score(raw=raw, error=error, details={"subject_kappas": kappas})


def human_error_consistency(subjects_correct: np.ndarray) -> Score:
    """Mean κ over all pairs of subjects; error = SEM over pairs."""
    pairs = itertools.combinations(range(len(subjects_correct)), 2)
    kappas = np.array([cohens_kappa(subjects_correct[i], subjects_correct[j]) for i, j in pairs])
    center, error = mean_and_sem(kappas)
    return Score(raw=center, error=error, details={"pair_kappas": kappas})


def shape_texture_decisions(decisions: Labels, shapes: Labels, textures: Labels) -> tuple[int, int]:
    """How many images whose shape and texture classes differ were named by their shape, and
    how many by their texture."""
    decided = np.asarray(decisions, dtype=object)
    shape, texture = np.asarray(shapes, dtype=object), np.asarray(textures, dtype=object)
    conflict = shape != texture
    return int(np.sum(conflict & (decided == shape))), int(np.sum(conflict & (decided == texture)))


def shape_bias(decisions: Labels, shapes: Labels, textures: Labels) -> float:
    """Shape decisions / (shape + texture decisions) over the images whose shape and texture
    classes differ; NaN when no decision names either."""
    shape_hits, texture_hits = shape_texture_decisions(decisions, shapes, textures)
    if shape_hits + texture_hits == 0:
        return math.nan
    return shape_hits / (shape_hits + texture_hits)


def shape_bias_similarity(model_bias: float, human_biases: np.ndarray) -> float:
    """1 − |model − mean human| shape bias: 1 when the model sits at the humans' mean."""
    return 1.0 - abs(model_bias - float(np.nanmean(human_biases)))


def shape_bias_ceiling(human_biases: np.ndarray) -> Score:
    """How close one person comes to the others: mean over subjects of
    1 − |bias_i − mean of the other subjects' biases|; error = SEM over subjects."""
    biases = np.asarray(human_biases, dtype=float)
    others = (biases.sum() - biases) / (len(biases) - 1)
    similarities = 1.0 - np.abs(biases - others)
    center, error = mean_and_sem(similarities)
    return Score(raw=center, error=error, details={"subject_similarities": similarities})
