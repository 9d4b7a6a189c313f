"""Time our neural predictivity against the same pipeline with scikit-learn's PLSRegression.

IT-sized problem on SYNTHETIC data (for timing only): 2,560 images (64 objects × 40) ×
25,088 features × 168 sites. X is a rectified low-rank map of a latent plus noise from a
fixed RNG; Y is a noisy linear map of X's latent signal (so PLS has something to find).
Both pipelines use the same stratified splits.

    PYTHONPATH=. python bench/pls_vs_sklearn.py [--splits 10] [--sklearn-splits 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import xarray as xr
from sklearn.cross_decomposition import PLSRegression

from scoring.metrics.neural import neural_predictivity

N_OBJECTS, PER_OBJECT, N_FEATURES, N_SITES, N_LATENT = 64, 40, 25_088, 168, 200


def synthetic_problem(seed: int = 0) -> tuple[xr.DataArray, xr.DataArray]:
    rng = np.random.default_rng(seed)
    n_images = N_OBJECTS * PER_OBJECT
    latent = rng.standard_normal((n_images, N_LATENT), dtype=np.float32)
    mixing = rng.standard_normal((N_LATENT, N_FEATURES), dtype=np.float32) / np.sqrt(N_LATENT)
    features = np.maximum(latent @ mixing, 0)
    features += rng.standard_normal(features.shape, dtype=np.float32)
    readout = rng.standard_normal((N_FEATURES, N_SITES), dtype=np.float32) / np.sqrt(N_FEATURES)
    sites = np.maximum(latent @ mixing, 0) @ readout
    sites += rng.standard_normal(sites.shape, dtype=np.float32) * sites.std()
    ids = np.array([f"img{i:04d}" for i in range(n_images)])
    objects = np.repeat([f"obj{k:02d}" for k in range(N_OBJECTS)], PER_OBJECT)
    source = xr.DataArray(
        features, dims=("presentation", "neuroid"), coords={"stimulus_id": ("presentation", ids)}
    )
    target = xr.DataArray(
        sites.astype(np.float64),
        dims=("presentation", "neuroid"),
        coords={
            "stimulus_id": ("presentation", ids),
            "object_name": ("presentation", objects),
            "neuroid_id": ("neuroid", [f"site{k}" for k in range(N_SITES)]),
        },
    )
    return source, target


def sklearn_fit_predict(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray) -> np.ndarray:
    return PLSRegression(n_components=25, scale=False).fit(train_x, train_y).predict(test_x)


def timed(
    problem: tuple[xr.DataArray, xr.DataArray], label: str, n_splits: int, **kwargs: object
) -> np.ndarray:
    start = time.perf_counter()
    score = neural_predictivity(*problem, n_splits=n_splits, **kwargs)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    print(
        f"{label}: {n_splits} splits in {elapsed:.1f} s ({elapsed / n_splits:.2f} s/split), "
        f"raw {score.raw:.4f}"
    )
    return np.array([elapsed / n_splits, *score.details["split_medians"]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--splits", type=int, default=10, help="splits for our PLS")
    parser.add_argument("--sklearn-splits", type=int, default=None, help="default: --splits")
    args = parser.parse_args()
    sklearn_splits = args.sklearn_splits or args.splits
    print("SYNTHETIC data for timing: 2,560 images x 25,088 features x 168 sites")
    problem = synthetic_problem()
    ours = timed(problem, "ours (fast PLS)", args.splits)
    theirs = timed(
        problem, "sklearn PLSRegression", sklearn_splits, fit_predict=sklearn_fit_predict
    )
    common = min(args.splits, sklearn_splits)
    difference = np.abs(ours[1 : common + 1] - theirs[1 : common + 1])
    print(f"per-split time ratio sklearn/ours: {theirs[0] / ours[0]:.1f}x")
    print(
        f"largest |difference| in per-split median r over {common} splits: {difference.max():.2e}"
    )


if __name__ == "__main__":
    main()
