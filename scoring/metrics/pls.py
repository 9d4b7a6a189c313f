"""PLS regression that predicts what scikit-learn's ``PLSRegression(scale=False)`` predicts, fast.

sklearn's NIPALS finds each component's X-weight ``w`` by power iteration on the deflated
matrices, which converges to the dominant left singular vector of the cross-covariance
``S_k = X_kᵀ Y_k``. We take that vector directly from the small q×q matrix ``S_kᵀ S_k`` and
never deflate X explicitly: with NIPALS (mode A, regression deflation)
``S_{k+1} = S_k − (tᵀt)·p cᵀ``, and ``X_k w = X w − T_prev (P_prevᵀ w)``. Each component then
costs two passes over X (one ``X w``, one ``Xᵀ t``) instead of hundreds. X stays float32 (one
centred copy of the training rows); everything p×q or smaller is float64.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits


@dataclass(frozen=True)
class PLSFit:
    """A fitted PLS regression: ``predict(X) = (X − x_mean) @ coef + y_mean``."""

    x_mean: np.ndarray
    y_mean: np.ndarray
    coef: np.ndarray
    x_weights: np.ndarray
    y_weights: np.ndarray
    x_loadings: np.ndarray

    def predict(self, features: np.ndarray) -> np.ndarray:
        centred = np.asarray(features, dtype=np.float32) - self.x_mean.astype(np.float32)
        return (centred @ self.coef.astype(np.float32)).astype(np.float64) + self.y_mean


def _dominant_direction(cross: np.ndarray, gram: np.ndarray) -> np.ndarray:
    """Unit left singular vector of ``cross`` for its largest singular value, sklearn's sign."""
    if cross.shape[1] == 1:
        direction = cross[:, 0].copy()
    else:
        with threadpool_limits(1):  # threaded LAPACK on a q×q matrix is ~10× slower
            _, vectors = np.linalg.eigh(gram)
        direction = cross @ vectors[:, -1]
    direction /= np.linalg.norm(direction) + np.finfo(np.float64).eps
    return direction * np.sign(direction[np.argmax(np.abs(direction))])


def _project(x32: np.ndarray, vector: np.ndarray) -> np.ndarray:
    return (x32 @ vector.astype(np.float32)).astype(np.float64)


def _project_t(x32: np.ndarray, vector: np.ndarray) -> np.ndarray:
    return (vector.astype(np.float32) @ x32).astype(np.float64)


def fit_pls(
    features: np.ndarray, targets: np.ndarray, n_components: int = 25, *, copy: bool = True
) -> PLSFit:
    """Fit PLS (NIPALS mode A, regression deflation, no scaling) like sklearn's PLSRegression.

    With ``copy=False`` a float32 ``features`` array is centred in place (saves one copy of X).
    """
    x32 = np.array(features, dtype=np.float32, copy=copy or None)
    x_mean = x32.mean(axis=0, dtype=np.float64)
    x32 -= x_mean.astype(np.float32)
    y = np.asarray(targets, dtype=np.float64)
    y_mean = y.mean(axis=0)
    yc = y - y_mean
    n_features, n_targets = x32.shape[1], yc.shape[1]
    cross = (x32.T @ yc.astype(np.float32)).astype(np.float64)
    gram = cross.T @ cross
    scores = np.zeros((x32.shape[0], n_components))
    weights = np.zeros((n_features, n_components))
    loadings = np.zeros((n_features, n_components))
    y_loadings = np.zeros((n_targets, n_components))
    for k in range(n_components):
        if not np.any(np.abs(cross) > 10 * np.finfo(np.float64).eps):
            break  # sklearn stops too: "y residual is constant"
        w = _dominant_direction(cross, gram)
        t = _project(x32, w) - scores[:, :k] @ (loadings[:, :k].T @ w)
        t_norm = t @ t
        t_prev = scores[:, :k].T @ t
        p = (_project_t(x32, t) - loadings[:, :k] @ t_prev) / t_norm
        c = (yc.T @ t - y_loadings[:, :k] @ t_prev) / t_norm
        gram = _deflated_gram(gram, cross, p, c, t_norm)
        cross -= t_norm * np.outer(p, c)
        scores[:, k], weights[:, k], loadings[:, k], y_loadings[:, k] = t, w, p, c
    with threadpool_limits(1):
        rotations = weights @ np.linalg.pinv(loadings.T @ weights)
    return PLSFit(x_mean, y_mean, rotations @ y_loadings.T, weights, y_loadings, loadings)


def _deflated_gram(
    gram: np.ndarray, cross: np.ndarray, p: np.ndarray, c: np.ndarray, t_norm: float
) -> np.ndarray:
    """``S'ᵀS'`` for ``S' = S − t_norm·p cᵀ`` without touching the p×q product again."""
    a = cross.T @ p
    return gram - t_norm * (np.outer(a, c) + np.outer(c, a)) + t_norm**2 * (p @ p) * np.outer(c, c)
