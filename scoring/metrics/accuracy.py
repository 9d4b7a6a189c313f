"""Engineering metrics: top-1 accuracy (spec §3.4) and linear transfer (§3.5, §8.3)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from scoring.score import Score, bootstrap_sem

C_GRID: tuple[float, ...] = tuple(np.logspace(np.log10(0.0005), np.log10(0.05), 10))
Selection = Literal["holdout", "kfold"]


def top1_accuracy(predictions: ArrayLike, labels: ArrayLike) -> Score:
    """Fraction correct; error = standard error by bootstrap over images; no ceiling."""
    correct = np.asarray(predictions) == np.asarray(labels)
    if correct.size == 0:
        raise ValueError("no predictions to score")
    return Score(
        raw=float(correct.mean()),
        error=bootstrap_sem(correct),
        details={"n_images": int(correct.size), "n_correct": int(correct.sum())},
    )


def transfer_classifier(c: float, max_iter: int = 1000) -> Pipeline:
    """StandardScaler + multinomial LogisticRegression (lbfgs)."""
    return make_pipeline(
        StandardScaler(), LogisticRegression(C=c, solver="lbfgs", max_iter=max_iter)
    )


def _holdout_accuracy(
    features: np.ndarray, labels: np.ndarray, c: float, validation_size: float, seed: int
) -> float:
    fit_x, val_x, fit_y, val_y = train_test_split(
        features, labels, test_size=validation_size, stratify=labels, random_state=seed
    )
    return float(transfer_classifier(c).fit(fit_x, fit_y).score(val_x, val_y))


def _kfold_accuracy(
    features: np.ndarray, labels: np.ndarray, c: float, n_folds: int, seed: int
) -> float:
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    scores = [
        transfer_classifier(c).fit(features[fit], labels[fit]).score(features[val], labels[val])
        for fit, val in folds.split(features, labels)
    ]
    return float(np.mean(scores))


def select_c(
    features: np.ndarray,
    labels: np.ndarray,
    *,
    selection: Selection = "holdout",
    c_grid: Sequence[float] = C_GRID,
    validation_size: float = 0.1,
    n_folds: int = 5,
    seed: int = 0,
) -> tuple[float, list[float]]:
    """The C with the best validation accuracy (first on ties) and every C's accuracy.

    ``holdout``: one stratified ``validation_size`` hold-out of the train set (paper CIFAR-100,
    [decision]); ``kfold``: stratified ``n_folds``-fold CV (Digits-transfer, §8.3).
    """
    if selection == "holdout":
        scores = [_holdout_accuracy(features, labels, c, validation_size, seed) for c in c_grid]
    else:
        scores = [_kfold_accuracy(features, labels, c, n_folds, seed) for c in c_grid]
    return float(c_grid[int(np.argmax(scores))]), scores


def linear_transfer(
    train_features: np.ndarray,
    train_labels: np.ndarray,
    test_features: np.ndarray,
    test_labels: np.ndarray,
    *,
    selection: Selection = "holdout",
    c_grid: Sequence[float] = C_GRID,
    n_folds: int = 5,
    seed: int = 0,
) -> Score:
    """Choose C on the train set, refit on all of it, report test top-1 accuracy."""
    train_labels, test_labels = np.asarray(train_labels), np.asarray(test_labels)
    best_c, validation = select_c(
        train_features,
        train_labels,
        selection=selection,
        c_grid=c_grid,
        n_folds=n_folds,
        seed=seed,
    )
    classifier = transfer_classifier(best_c).fit(train_features, train_labels)
    score = top1_accuracy(classifier.predict(test_features), test_labels)
    details = {**score.details, "C": best_c, "c_grid": list(c_grid), "validation": validation}
    return Score(raw=score.raw, error=score.error, details=details)
