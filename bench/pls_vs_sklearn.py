"""Time our neural predictivity against the same pipeline with scikit-learn's PLSRegression.

IT-sized problem on SYNTHETIC data (for timing only): 2,560 images (64 objects × 40) ×
25,088 features × 168 sites. X is a rectified low-rank map of a latent plus noise from a
fixed RNG; Y is a noisy linear map of X's latent signal (so PLS has something to find).
Both pipelines use the same stratified splits (and the same parallel split threads, one
BLAS thread each); each is warmed up with one split at the timed size, then the rounds
alternate which goes first. The size printed is the size that ran (run_all shrinks it).
Note: sklearn here is this venv's; Brain-Score pins an older one (bench/pls_vs_brainscore.py).

    PYTHONPATH=. python bench/pls_vs_sklearn.py [--splits 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import sklearn
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


def timed(problem: tuple[xr.DataArray, xr.DataArray], splits: int, **kwargs: object) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    score = neural_predictivity(*problem, n_splits=splits, **kwargs)  # type: ignore[arg-type]
    return {
        "wall": (time.perf_counter() - wall) / splits,
        "cpu": (time.process_time() - cpu) / splits,
        "medians": np.asarray(score.details["split_medians"]),
        "raw": score.raw,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--splits", type=int, default=2, help="splits per timed run (both)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    problem = synthetic_problem()
    n_images, n_features = problem[0].shape
    print(f"SYNTHETIC data for timing: {n_images:,} images x {n_features:,} features x "
          f"{problem[1].shape[1]} sites; {args.splits} splits per run, 25 components")  # fmt: skip
    sides = {"ours": {}, "sklearn": {"fit_predict": sklearn_fit_predict}}
    for kwargs in sides.values():  # warm-up at the timed size, one split each
        timed(problem, 1, **kwargs)
    runs: dict[str, list[dict]] = {name: [] for name in sides}
    for round_number in range(args.rounds):  # the order alternates round by round
        order = list(sides) if round_number % 2 == 0 else list(sides)[::-1]
        for name in order:
            runs[name].append(timed(problem, args.splits, **sides[name]))
    print(f"medians of {args.rounds} rounds (min-max), seconds per split; sklearn "
          f"{sklearn.__version__}, numpy {np.__version__}")  # fmt: skip
    for clock in ("wall", "cpu"):
        ours = [r[clock] for r in runs["ours"]]
        theirs = [r[clock] for r in runs["sklearn"]]
        print(f"[{clock:4}] ours {statistics.median(ours):.3f} ({min(ours):.3f}-{max(ours):.3f})"
              f"   sklearn PLSRegression {statistics.median(theirs):.3f} "
              f"({min(theirs):.3f}-{max(theirs):.3f})   sklearn/ours "
              f"{statistics.median(theirs) / statistics.median(ours):.1f}x")  # fmt: skip
    difference = np.abs(runs["ours"][-1]["medians"] - runs["sklearn"][-1]["medians"])
    print(f"raw: ours {runs['ours'][-1]['raw']:.4f}  sklearn {runs['sklearn'][-1]['raw']:.4f}; "
          f"largest |difference| in per-split median r: {difference.max():.2e}")  # fmt: skip


if __name__ == "__main__":
    main()
