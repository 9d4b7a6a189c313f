"""Score models on every benchmark of the real offline suite (the ``real-offline`` preset) and
print a markdown table (raw, ceiling, ceiled, layer) plus each model's wall time.

    VENTRAL_DATA_MIRROR=<folder of the sources> python scripts/real_suite_table.py \
        [--data var/real-suite] [--threads 2] [--benchmark ID ...] MODEL [MODEL ...]

The data builds land under ``--data`` (built once, reused). Each model starts with an empty
activation cache of its own, so its wall time is that of a first scoring; models without shipped
weights are scored at a fixed random initialisation (torch seed 0). Not-applicable benchmarks
are listed with their reason. ``--benchmark`` (repeatable) scores only those benchmarks of the
suite; each benchmark is scored at the same seed as in a whole-suite run (the seed is set before
every benchmark), so its row is the one the whole run gives. The script runs with the workers'
allocator settings (``worker.launch.ALLOCATOR_ENV``; it re-executes itself with them), so its
timings are those of a score job.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import torch

from scoring.benchmarks import DataNotInstalled, NotApplicable
from scoring.benchmarks.presets import benchmark_tree, get_preset
from scoring.benchmarks.run import score_model
from scoring.data.build import ensure_built
from worker.launch import ALLOCATOR_ENV, worker_env

BUILDS = (
    "kriegeskorte2008",
    "majajhong2015-subset25",
    "coggan2024",
    "geirhos2021",
    "imagenet-sample",
)


def weight_builds(models: list[str]) -> list[str]:
    """The data builds holding the models' ImageNet-trained weights (none for the others)."""
    from scoring.models import model_info

    builds = [model_info(model).built_weights for model in models]
    return list(dict.fromkeys(build[0] for build in builds if build is not None))


def real_benchmarks() -> list[str]:
    tree = benchmark_tree()
    leaves = [leaf for root in get_preset("real-offline").roots for leaf in tree.leaves(root)]
    return list(dict.fromkeys(leaves))


def chosen_benchmarks(requested: list[str] | None) -> list[str]:
    """The suite's benchmarks, or only the ``requested`` ones (each must be in the suite)."""
    suite = real_benchmarks()
    if not requested:
        return suite
    unknown = [name for name in requested if name not in suite]
    if unknown:
        raise SystemExit(f"not in the real-offline suite: {', '.join(unknown)}")
    return [name for name in suite if name in requested]


def _cell(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value:.3f}"


def with_the_workers_allocator() -> None:
    """glibc reads its malloc settings once, at start: re-execute with them if they are unset
    (a worker keeps freed activation memory instead of faulting it in again every batch)."""
    if any(name not in os.environ for name in ALLOCATOR_ENV):
        os.execve(sys.executable, [sys.executable, *sys.argv], worker_env())


def main() -> None:
    with_the_workers_allocator()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+")
    parser.add_argument("--data", type=Path, default=Path("var/real-suite"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--keep-cache", action="store_true", help="reuse earlier activations")
    parser.add_argument(
        "--benchmark", action="append", help="score only this benchmark of the suite (repeatable)"
    )
    args = parser.parse_args()
    benchmarks = chosen_benchmarks(args.benchmark)
    torch.set_num_threads(args.threads)
    builds = [*BUILDS, *weight_builds(args.models)]
    folders = ensure_built(
        builds,
        data_dir=args.data / "built",
        cache_dir=args.data / "sources",
        mirror=os.environ.get("VENTRAL_DATA_MIRROR"),
        progress=False,
    )
    data_dirs = tuple(folders[name] for name in builds)
    lines = [
        "| model | benchmark | raw | ceiling | ceiled | layer |",
        "|---|---|---:|---:|---:|---|",
    ]
    timings = []
    for model in args.models:
        cache = args.data / "activations" / model
        if not args.keep_cache:
            shutil.rmtree(cache, ignore_errors=True)  # a cold cache: a first scoring's time
        started, cpu = time.perf_counter(), time.process_time()
        for benchmark in benchmarks:
            torch.manual_seed(0)
            try:
                score = score_model(model, benchmark, data_dir=data_dirs, cache_dir=cache)
            except (NotApplicable, DataNotInstalled) as reason:
                print(json.dumps({"model": model, "benchmark": benchmark, "na": str(reason)}))
                state = "not applicable" if isinstance(reason, NotApplicable) else "not installed"
                lines.append(f"| {model} | {benchmark} | {state} | | | |")
                continue
            layer = score.details.get("layer", "")
            record = {"model": model, "benchmark": benchmark, "raw": score.raw,
                      "ceiling": score.ceiling, "ceiled": score.ceiled, "layer": layer,
                      "layer_choice": score.details.get("layer_choice")}  # fmt: skip
            selection = score.details.get("layer_selection")
            if selection is not None:
                layer = f"{layer} (chosen on {selection['selected_on']})"
                record["selection"] = selection
            print(json.dumps(record), flush=True)
            lines.append(
                f"| {model} | {benchmark} | {_cell(score.raw)} | {_cell(score.ceiling)} | "
                f"{_cell(score.ceiled)} | {layer} |"
            )
        timings.append((model, time.perf_counter() - started, time.process_time() - cpu))
    print("\n".join(lines))
    scope = f"{len(benchmarks)} of the suite's benchmarks" if args.benchmark else "whole real suite"
    for model, seconds, cpu_seconds in timings:
        print(
            f"{model}: {scope} in {seconds:.0f} s wall, {cpu_seconds:.0f} s CPU "
            f"(all threads; {args.threads} torch threads)"
        )


if __name__ == "__main__":
    main()
