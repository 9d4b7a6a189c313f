"""The offline suite for one model, end to end, as the service's score jobs run it: cold, then warm.

Every benchmark whose data are installed (what ``create_score_jobs`` queues; the others get a
"data not installed" row and no job) is scored with the parametrization's parameters through
``score_model(..., cache_dir=..., **params)``, each in a fresh process as a worker runs each job
(``worker_max_tasks_per_child=1``), so nothing memoised in one job speeds up the next. The first
pass starts from an empty activation cache (cold); the second pass reuses the folder the first
filled (warm). The score of each benchmark must not change between the passes.

    PYTHONPATH=. python bench/offline_suite.py                    # resnet20_cifar10, leaderboard
    PYTHONPATH=. python bench/offline_suite.py --parametrization test --benchmarks Digits-transfer
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from foundation.runs.parametrizations import PARAMETRIZATIONS, benchmark_params


def installed_benchmarks() -> list[str]:
    from scoring.benchmarks import list_benchmarks, load_benchmark

    return [name for name in list_benchmarks() if not load_benchmark(name).missing_files()]


def score_once(job: dict[str, Any]) -> dict[str, Any]:
    """One score job in this (fresh) process; seconds cover ``score_model`` only."""
    import torch

    from scoring.benchmarks.run import score_model

    if job["threads"]:
        torch.set_num_threads(job["threads"])
    started = time.perf_counter()
    score = score_model(
        job["model"],
        job["benchmark"],
        weights=job["weights"],
        cache_dir=Path(job["cache_dir"]),
        **job["params"],
    )
    return {
        "seconds": time.perf_counter() - started,
        "raw": score.raw,
        "ceiled": score.ceiled,
        "threads": torch.get_num_threads(),
    }


def run_pass(jobs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    results = {}
    for job in jobs:
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=spawn, max_tasks_per_child=1) as pool:
            results[job["benchmark"]] = pool.submit(score_once, job).result()
        print(f"  {job['benchmark']:<18} {results[job['benchmark']]['seconds']:8.1f} s", flush=True)
    return results


def folder_size(folder: Path) -> tuple[int, float]:
    files = [path for path in folder.rglob("*.nc") if path.is_file()]
    return len(files), sum(path.stat().st_size for path in files) / 2**20


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))


def finite(value: float | None) -> float | None:
    return None if value is None or value != value else value


def number(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.3f}"


def report(cold: dict[str, dict[str, Any]], warm: dict[str, dict[str, Any]]) -> dict[str, Any]:
    print(f"{'benchmark':<18} {'cold s':>8} {'warm s':>8} {'cold/warm':>9} "
          f"{'raw':>7} {'ceiled':>7}  warm score same")  # fmt: skip
    for name, first in cold.items():
        second = warm[name]
        unchanged = same(first["raw"], second["raw"]) and same(first["ceiled"], second["ceiled"])
        print(f"{name:<18} {first['seconds']:8.1f} {second['seconds']:8.1f} "
              f"{first['seconds'] / second['seconds']:8.2f}x {number(first['raw']):>7} "
              f"{number(first['ceiled']):>7}  {'yes' if unchanged else 'NO'}")  # fmt: skip
    cold_total = sum(r["seconds"] for r in cold.values())
    warm_total = sum(r["seconds"] for r in warm.values())
    print(f"{'total':<18} {cold_total:8.1f} {warm_total:8.1f} {cold_total / warm_total:8.2f}x")
    return {"cold_s": round(cold_total, 1), "warm_s": round(warm_total, 1),
            "cold_over_warm": round(cold_total / warm_total, 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet20_cifar10")
    parser.add_argument("--weights", help="a weights file; default: the model's shipped weights")
    parser.add_argument("--benchmarks", nargs="+", help="default: every installed benchmark")
    parser.add_argument("--threads", type=int, help="torch threads; default: torch's (as a worker)")
    parser.add_argument("--parametrization", default="leaderboard", choices=list(PARAMETRIZATIONS))
    parser.add_argument("--cache-dir", type=Path, help="an EMPTY folder; default: a temporary one")
    args = parser.parse_args()
    benchmarks = args.benchmarks or installed_benchmarks()
    with tempfile.TemporaryDirectory(prefix="ventral-suite-cache-") as scratch:
        cache_dir = args.cache_dir or Path(scratch)
        if cache_dir.exists() and any(cache_dir.iterdir()):
            parser.error(f"{cache_dir} is not empty: the cold pass needs an empty cache")
        jobs = [{"model": args.model, "benchmark": name, "weights": args.weights,
                 "cache_dir": str(cache_dir), "threads": args.threads,
                 "params": benchmark_params(args.parametrization, name)}
                for name in benchmarks]  # fmt: skip
        print(f"model {args.model}  weights {args.weights or 'shipped'}  parametrization "
              f"{args.parametrization}  CPUs {os.cpu_count()}  load average "
              f"{os.getloadavg()[0]:.1f}  one fresh process per score job", flush=True)  # fmt: skip
        print("params: " + json.dumps({job["benchmark"]: job["params"] for job in jobs}))
        print("cold pass (empty activation cache):", flush=True)
        cold = run_pass(jobs)
        files, mebibytes = folder_size(cache_dir)
        print(f"warm pass (the cache the cold pass filled: {files} files, {mebibytes:.0f} MiB):")
        warm = run_pass(jobs)
    threads = next(iter(cold.values()))["threads"] if cold else None
    print(f"torch threads {threads}  load average {os.getloadavg()[0]:.1f} at the end")
    totals = report(cold, warm)
    print(json.dumps({
        "kind": "offline_suite", "model": args.model, "parametrization": args.parametrization,
        "threads": threads, **totals, "cache_files": files, "cache_mib": round(mebibytes, 1),
        "benchmarks": {name: {"cold_s": round(cold[name]["seconds"], 1),
                              "warm_s": round(warm[name]["seconds"], 1),
                              "raw": finite(cold[name]["raw"]),
                              "ceiled": finite(cold[name]["ceiled"]),
                              "warm_same": same(cold[name]["raw"], warm[name]["raw"])
                              and same(cold[name]["ceiled"], warm[name]["ceiled"])}
                       for name in cold},
    }))  # fmt: skip


if __name__ == "__main__":
    main()
