"""Error consistency, shape bias and 16-class pooling on small cases worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.metrics.error_consistency import (
    cohens_kappa,
    error_consistency,
    human_error_consistency,
    pooled_decisions,
    shape_bias,
    shape_bias_ceiling,
    shape_bias_similarity,
    shape_texture_decisions,
)


def test_kappa_of_a_worked_example() -> None:
    # accuracies 0.5 and 0.25: c_exp = 0.5·0.25 + 0.5·0.75 = 0.5; they agree on 3 of 4 trials
    # (c_obs = 0.75), so κ = (0.75 − 0.5) / (1 − 0.5) = 0.5
    assert cohens_kappa(np.array([1, 1, 0, 0]), np.array([1, 0, 0, 0])) == pytest.approx(0.5)


def test_kappa_is_one_for_identical_errors_and_minus_one_for_opposite_ones() -> None:
    pattern = np.array([True, False, True, False, False])
    assert cohens_kappa(pattern, pattern) == pytest.approx(1.0)
    # c_exp = 0.5 (both at 50 %), never agree: κ = (0 − 0.5) / 0.5 = −1
    assert cohens_kappa(np.array([1, 0]), np.array([0, 1])) == pytest.approx(-1.0)


def test_kappa_is_undefined_when_both_are_always_right() -> None:
    assert math.isnan(cohens_kappa(np.ones(4), np.ones(4)))
    with pytest.raises(ValueError, match="equally long"):
        cohens_kappa(np.ones(3), np.ones(4))


def test_model_consistency_averages_kappa_over_subjects() -> None:
    model = np.array([1, 1, 0, 0], dtype=bool)
    subjects = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1]], dtype=bool)
    # κ = 0.5 (worked above), 1 (identical), −1 (opposite, both at 50 %): mean 1/6
    score = error_consistency(model, subjects)
    assert score.raw == pytest.approx((0.5 + 1 - 1) / 3)
    np.testing.assert_allclose(score.details["subject_kappas"], [0.5, 1, -1])


def test_human_consistency_is_the_mean_over_pairs() -> None:
    subjects = np.array([[1, 1, 0, 0], [1, 0, 0, 0], [1, 1, 0, 0]], dtype=bool)
    # pairs (0,1): 0.5, (0,2): 1, (1,2): 0.5
    score = human_error_consistency(subjects)
    assert score.raw == pytest.approx(2 / 3)
    assert len(score.details["pair_kappas"]) == 3


def test_shape_bias_counts_only_conflicting_images_named_by_shape_or_texture() -> None:
    shapes = ["cat", "cat", "dog", "dog", "car"]
    textures = ["dog", "cat", "cat", "car", "bird"]
    # image 1 (cat on cat) is no conflict: its "cat" is ignored; image 4 names neither cue
    decisions = ["cat", "cat", "cat", "car", "knife"]
    assert shape_texture_decisions(decisions, shapes, textures) == (1, 2)
    assert shape_bias(decisions, shapes, textures) == pytest.approx(1 / 3)
    assert math.isnan(shape_bias(["knife"], ["cat"], ["dog"]))


def test_shape_bias_similarity_and_its_leave_one_subject_out_ceiling() -> None:
    humans = np.array([0.9, 1.0, 0.95])
    assert shape_bias_similarity(0.95, humans) == pytest.approx(1.0)
    assert shape_bias_similarity(0.25, humans) == pytest.approx(0.3)
    # 0.9 vs mean(1, 0.95) = 0.975 → 0.925; 1.0 vs 0.925 → 0.925; 0.95 vs 0.95 → 1
    assert shape_bias_ceiling(humans).raw == pytest.approx((0.925 + 0.925 + 1) / 3)


def test_pooling_takes_the_mean_not_the_sum_over_a_category_s_classes() -> None:
    probabilities = np.zeros((2, 1000))
    probabilities[0, [1, 2, 3]] = 0.2  # "dog": mean 0.2, sum 0.6
    probabilities[0, 7] = 0.3  # "cat": one class at 0.3
    probabilities[1, 7] = 0.1
    probabilities[1, 2] = 0.5
    indices = {"dog": [1, 2, 3], "cat": [7]}
    assert list(pooled_decisions(probabilities, indices)) == ["cat", "dog"]
