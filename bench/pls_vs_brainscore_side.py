"""One side of `bench/pls_vs_brainscore.py`: Ventral's or Brain-Score's own code, in its own venv.

Started once per side, it answers one JSON line per request read on stdin:
``{"case": "<.npz>", "task": "predictivity" | "ceiling", "splits": n}`` → wall and CPU seconds
of the call and what it computed (per-split medians or per-split ceilings). The Brain-Score
side imports only numpy, xarray and brainscore-vision/-core (its venv has no Ventral); the
Ventral side imports ``scoring``. The case is loaded (and its repetitions averaged, identically
for both) once per file, outside the timed call.

    python bench/pls_vs_brainscore_side.py ours|brainscore
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import numpy as np

_cases: dict[tuple[str, str], dict[str, Any]] = {}


def _arrays(path: str) -> dict[str, np.ndarray]:
    with np.load(path) as stored:
        return {name: stored[name] for name in stored.files}


def _averaged(arrays: dict[str, np.ndarray]) -> np.ndarray:
    """Mean over repetitions per image (trials are stored image-major, repetitions inner)."""
    n_images = len(arrays["stimulus_id"])
    return arrays["trials"].reshape(n_images, -1, arrays["trials"].shape[1]).mean(axis=1)


def _ours_case(arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    import xarray as xr

    ids, objects = arrays["stimulus_id"], arrays["object_name"]
    repeats = len(arrays["trials"]) // len(ids)
    sites = [f"site{k:03d}" for k in range(arrays["trials"].shape[1])]
    source = xr.DataArray(
        arrays["features"],
        dims=("presentation", "neuroid"),
        coords={"stimulus_id": ("presentation", ids), "object_name": ("presentation", objects)},
    )
    presentation = {"stimulus_id": ids, "object_name": objects}
    target = xr.DataArray(
        _averaged(arrays),
        dims=("presentation", "neuroid"),
        coords={**{k: ("presentation", v) for k, v in presentation.items()},
                "neuroid_id": ("neuroid", sites)},
    )  # fmt: skip
    trials = xr.DataArray(
        arrays["trials"],
        dims=("presentation", "neuroid"),
        coords={**{k: ("presentation", np.repeat(v, repeats)) for k, v in presentation.items()},
                "repetition": ("presentation", np.tile(np.arange(repeats), len(ids))),
                "neuroid_id": ("neuroid", sites)},
    )  # fmt: skip
    return {"source": source, "target": target, "trials": trials}


def _brainscore_case(arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    from brainscore_core.supported_data_standards.brainio.assemblies import NeuroidAssembly

    ids, objects = arrays["stimulus_id"], arrays["object_name"]
    repeats = len(arrays["trials"]) // len(ids)
    n_sites = arrays["trials"].shape[1]
    neuroid = {"neuroid_id": ("neuroid", [f"site{k:03d}" for k in range(n_sites)]),
               "region": ("neuroid", ["IT"] * n_sites)}  # fmt: skip
    n_features = arrays["features"].shape[1]
    source = NeuroidAssembly(
        arrays["features"],
        dims=["presentation", "neuroid"],
        coords={"stimulus_id": ("presentation", ids), "object_name": ("presentation", objects),
                "neuroid_id": ("neuroid", [f"f{k}" for k in range(n_features)]),
                "layer": ("neuroid", ["layer"] * n_features)},
    )  # fmt: skip
    target = NeuroidAssembly(
        _averaged(arrays),
        dims=["presentation", "neuroid"],
        coords={"stimulus_id": ("presentation", ids), "object_name": ("presentation", objects),
                **neuroid},
    )  # fmt: skip
    trials = NeuroidAssembly(
        arrays["trials"],
        dims=["presentation", "neuroid"],
        coords={"stimulus_id": ("presentation", np.repeat(ids, repeats)),
                "object_name": ("presentation", np.repeat(objects, repeats)),
                "repetition": ("presentation", np.tile(np.arange(repeats), len(ids))),
                **neuroid},
    )  # fmt: skip
    return {"source": source, "target": target, "trials": trials}


def _ours(case: dict[str, Any], task: str) -> list[float]:
    from scoring.metrics.neural import internal_consistency_ceiling, neural_predictivity

    if task == "predictivity":
        score = neural_predictivity(case["source"], case["target"], n_splits=case["splits"])
        return [float(v) for v in score.details["split_medians"]]
    ceiling = internal_consistency_ceiling(case["trials"], n_splits=case["splits"])
    return [float(v) for v in ceiling.details["split_ceilings"]]


def _brainscore(case: dict[str, Any], task: str) -> list[float]:
    # the plugins' own classes, as `load_metric('pls')` / `load_ceiling('internal_consistency')`
    # build them, imported directly: `load_metric` would pip-install plugin requirements
    from brainscore_vision.metrics.internal_consistency.ceiling import InternalConsistency
    from brainscore_vision.metrics.regression_correlation.metric import (
        CrossRegressedCorrelation,
        pearsonr_correlation,
        pls_regression,
    )

    if task == "predictivity":
        metric = CrossRegressedCorrelation(
            regression=pls_regression(), correlation=pearsonr_correlation(),
            crossvalidation_kwargs={"splits": case["splits"]},
        )  # fmt: skip
        score = metric(case["source"], case["target"])
    else:
        ceiling = InternalConsistency()  # 10 splits; a warm-up asks for fewer:
        ceiling._consistency._cross_validation._split._split.n_splits = case["splits"]
        score = ceiling(case["trials"])
    raw = score.attrs["raw"]  # per split and site
    return [float(v) for v in raw.median("neuroid").values]


def answer(side: str, request: dict[str, Any]) -> dict[str, Any]:
    key = (request["case"], side)
    if key not in _cases:
        arrays = _arrays(request["case"])
        _cases.clear()  # one case at a time: the 4,000-feature case is large in float64
        _cases[key] = (_ours_case if side == "ours" else _brainscore_case)(arrays)
    case = {**_cases[key], "splits": int(request.get("splits", 10))}
    run = _ours if side == "ours" else _brainscore
    wall, cpu = time.perf_counter(), time.process_time()
    values = run(case, request["task"])
    return {
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "values": values,
    }


def main() -> None:
    side = sys.argv[1]
    if side == "brainscore":
        import logging

        logging.disable(logging.WARNING)
    for line in sys.stdin:
        print(json.dumps(answer(side, json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
