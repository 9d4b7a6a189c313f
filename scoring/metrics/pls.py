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

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg
from threadpoolctl import OpenBLASController, ThreadpoolController


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


class _OneBlasThread:
    """BLAS limited to one thread while any fit runs, restored when the last one ends.

    A fit is a chain of small products (one pass over X per call, q×q LAPACK) where a second
    BLAS thread costs more in hand-offs than it gains, and concurrent fits (splits in parallel
    threads) use the cores instead. OpenBLAS's thread count is process-wide and threadpoolctl
    lets only the thread that set a limit change it, so concurrent fits share one limit: the
    first to enter sets it, the last to leave restores it, taking over control if it is not
    the thread that set it (a limit per fit would let the first to finish restore two threads
    under the others, or leave one for good). The controller is built once (~10 ms).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active = 0
        self._controller: ThreadpoolController | None = None
        self._limiter: Any = None
        self._owner: threading.Thread | None = None

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._active == 0:
                self._controller = self._controller or ThreadpoolController()
                self._limiter = self._controller.limit(limits=1, user_api="blas")
                self._limiter.__enter__()
                self._owner = threading.current_thread()
            self._active += 1
        try:
            yield
        finally:
            with self._lock:
                self._active -= 1
                if self._active == 0:
                    self._release()

    def _release(self) -> None:
        if self._owner is threading.current_thread():
            self._limiter.__exit__(None, None, None)
        else:
            OpenBLASController.clear_controlling_thread(force=True)
            self._limiter.restore_original_limits()
            OpenBLASController.clear_controlling_thread(force=True)


one_blas_thread = _OneBlasThread()


def _dominant_direction(
    cross: np.ndarray, gram: np.ndarray, loadings: np.ndarray, y_part: np.ndarray
) -> np.ndarray:
    """Unit left singular vector of ``S_k = cross − loadings·y_partᵀ`` (``gram = S_kᵀS_k``)
    for its largest singular value, with sklearn's sign."""
    if cross.shape[1] == 1:
        vector = np.ones(1)
    else:
        # only the top eigenpair: ~3× cheaper than the full q×q decomposition
        last = gram.shape[0] - 1
        _, top = scipy.linalg.eigh(
            gram, subset_by_index=[last, last], driver="evx", check_finite=False
        )
        vector = top[:, 0]
    direction = cross @ vector - loadings @ (y_part.T @ vector)
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
    with one_blas_thread():
        return _fit_pls(features, targets, n_components, copy)


def _fit_pls(features: np.ndarray, targets: np.ndarray, n_components: int, copy: bool) -> PLSFit:
    x32 = np.array(features, dtype=np.float32, copy=copy or None)
    x_mean = x32.mean(axis=0, dtype=np.float64)
    x32 -= x_mean.astype(np.float32)
    y = np.asarray(targets, dtype=np.float64)
    y_mean = y.mean(axis=0)
    yc = y - y_mean
    n_features, n_targets = x32.shape[1], yc.shape[1]
    # S = Xᵀ Y stays undeflated: S_k v = S v − P (t_norms ∘ Cᵀ v) costs one pass over S,
    # where deflating S itself costs three per component
    cross = (x32.T @ yc.astype(np.float32)).astype(np.float64)
    gram = cross.T @ cross
    scores = np.zeros((x32.shape[0], n_components))
    weights = np.zeros((n_features, n_components))
    loadings = np.zeros((n_features, n_components))
    y_loadings = np.zeros((n_targets, n_components))
    t_norms = np.zeros(n_components)
    for k in range(n_components):
        if np.sqrt(gram.diagonal().max()) <= 10 * np.finfo(np.float64).eps:
            break  # S_k is zero: sklearn stops too ("y residual is constant")
        p_prev, c_prev, n_prev = loadings[:, :k], y_loadings[:, :k], t_norms[:k]
        w = _dominant_direction(cross, gram, p_prev, c_prev * n_prev)
        t = _project(x32, w) - scores[:, :k] @ (p_prev.T @ w)
        t_norm = t @ t
        t_prev = scores[:, :k].T @ t
        p = (_project_t(x32, t) - p_prev @ t_prev) / t_norm
        c = (yc.T @ t - c_prev @ t_prev) / t_norm
        a = cross.T @ p - c_prev @ (n_prev * (p_prev.T @ p))  # S_kᵀ p
        gram = _deflated_gram(gram, a, p, c, t_norm)
        scores[:, k], weights[:, k], loadings[:, k], y_loadings[:, k] = t, w, p, c
        t_norms[k] = t_norm
    rotations = weights @ np.linalg.pinv(loadings.T @ weights)
    return PLSFit(x_mean, y_mean, rotations @ y_loadings.T, weights, y_loadings, loadings)


def _deflated_gram(
    gram: np.ndarray, a: np.ndarray, p: np.ndarray, c: np.ndarray, t_norm: float
) -> np.ndarray:
    """``S'ᵀS'`` for ``S' = S_k − t_norm·p cᵀ`` from ``a = S_kᵀ p``, without the p×q product."""
    return gram - t_norm * (np.outer(a, c) + np.outer(c, a)) + t_norm**2 * (p @ p) * np.outer(c, c)
