from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from scoring.metrics.accuracy import C_GRID, linear_transfer, select_c, top1_accuracy


def test_c_grid_is_the_papers() -> None:
    expected = [
        0.0005,
        0.00083,
        0.00139,
        0.00232,
        0.00387,
        0.00646,
        0.01077,
        0.01797,
        0.02997,
        0.05,
    ]
    np.testing.assert_allclose(C_GRID, expected, atol=5e-6)


def test_top1_accuracy_and_its_error() -> None:
    score = top1_accuracy(["a", "b", "c", "d"], ["a", "b", "x", "y"])
    assert score.raw == 0.5
    assert score.ceiling is None


def test_top1_error_is_the_standard_error_of_the_accuracy_not_the_spread_of_images() -> None:
    """Issue 16: CIFAR10-top1 showed ±0.393, the per-image standard deviation; the error of an
    accuracy over n images is about sqrt(p (1 - p) / n), which a bootstrap over images gives."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, size=1000)
    predictions = np.where(rng.random(1000) < 0.8, labels, (labels + 1) % 10)
    score = top1_accuracy(predictions, labels)
    analytic = np.sqrt(score.raw * (1 - score.raw) / 1000)
    assert score.error == pytest.approx(analytic, rel=0.1)
    assert score.error < 0.02
    assert top1_accuracy(predictions, labels).error == score.error  # seeded: reproducible


def _digits() -> tuple[np.ndarray, ...]:
    """The first 800 of scikit-learn's bundled real handwritten digits (pixels), 80/20 split."""
    digits = load_digits()
    return tuple(
        train_test_split(
            digits.data[:800],
            digits.target[:800],
            test_size=0.2,
            stratify=digits.target[:800],
            random_state=0,
        )
    )


def test_kfold_transfer_on_digits() -> None:
    train_x, test_x, train_y, test_y = _digits()
    grid = C_GRID[::3]
    score = linear_transfer(train_x, train_y, test_x, test_y, selection="kfold", c_grid=grid)
    assert score.raw > 0.9
    assert score.details["C"] in grid
    assert len(score.details["validation"]) == len(grid) == 4
    assert score.details["n_images"] == len(test_y)


def test_holdout_selection_picks_the_best_validation_c() -> None:
    train_x, _, train_y, _ = _digits()
    best, validation = select_c(train_x[:600], train_y[:600], c_grid=[1e-6, 0.05])
    assert best == 0.05
    assert validation[1] > validation[0]
