"""Benchmark parameters the service scores with, by name.

``leaderboard`` is what the service runs by default: the offline suite on stratified subsets
small enough that the pretrained CIFAR ResNets finish on a 2-core machine within the first-run
budget (docs/workers.md has the timings). ``full`` uses every stimulus and split. ``test`` is the
smallest meaningful run, for the end-to-end tests.
"""

from __future__ import annotations

from typing import Any

PARAMETRIZATIONS: dict[str, dict[str, dict[str, Any]]] = {
    "full": {},
    "leaderboard": {
        "CIFAR10-top1": {"n_per_class": 100},
        "CIFAR10H-i2n": {"n_per_class": 100},
        "Synthetic-V4-pls": {"n_splits": 4},
        "Synthetic-IT-pls": {"n_splits": 4},
    },
    "test": {
        "CIFAR10-top1": {"n_per_class": 10},
        "CIFAR10H-i2n": {"n_per_class": 10},
        "Synthetic-V4-pls": {"n_splits": 2},
        "Synthetic-IT-pls": {"n_splits": 2},
    },
}


class UnknownParametrizationError(ValueError):
    pass


def benchmark_params(parametrization: str, benchmark: str) -> dict[str, Any]:
    try:
        chosen = PARAMETRIZATIONS[parametrization]
    except KeyError:
        known = ", ".join(PARAMETRIZATIONS)
        raise UnknownParametrizationError(
            f"unknown parametrization {parametrization!r}; known: {known}"
        ) from None
    return dict(chosen.get(benchmark, {}))
