"""Ventral's PLS predictivity and ceiling against Brain-Score's own code, on the same case.

Brain-Score runs in a venv of its own, built on first use from the package registry with pip
and cached under ``var/`` (``brainscore-vision==2.4.2`` without its model-side dependencies
such as torch, which the metrics do not import, plus the pins of ``BRAINSCORE_PINS``, the
versions pip resolves for its requirements ``numpy<2``, ``scikit-learn<1.6``, ``pandas<3``).

The case is GENERATED (for timing and agreement only), IT-sized: 2,560 images (64 objects ×
40) × 168 sites × 10 repetitions, and a model layer of ``--features`` units; both sides read
the same ``.npz``. Each side is one long-lived process; every round times both sides on each
task, the order alternating round by round (ours first in even rounds, Brain-Score first in
odd ones), after one untimed warm-up call per side at the timed size. Printed: medians and
the spread (min–max) of wall and CPU seconds, the ratios of the medians, and the largest
|difference| in the per-split values (medians over sites of r, or split ceilings).

    PYTHONPATH=. python bench/pls_vs_brainscore.py [--features 1000 4000] [--rounds 3]
        [--splits 10] [--no-ceiling]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var" / "pls_vs_brainscore"
SIDE = REPO / "bench" / "pls_vs_brainscore_side.py"
BRAINSCORE = "brainscore-vision==2.4.2"
# what `pip install brainscore-vision==2.4.2` resolves for the packages its metrics import
# (2026-12-07); torch, torchvision, opencv, jupyter... are left out: the metrics never import them
BRAINSCORE_PINS = [
    "brainscore-core==2.5.0", "numpy==1.26.4", "scikit-learn==1.5.2", "scipy==1.17.1",
    "pandas==2.3.3", "xarray==2022.3.0", "result-caching==0.5", "importlib-metadata==4.13.0",
    "tqdm==4.70.1", "h5py==3.16.0", "psutil==7.2.2",
]  # fmt: skip
N_OBJECTS, PER_OBJECT, N_SITES, N_REPETITIONS, N_LATENT = 64, 40, 168, 10, 100


def brainscore_python(venv: Path) -> Path:
    """The venv's python, built (or rebuilt when the pins changed) with pip."""
    python, stamp = venv / "bin" / "python", venv / "pins.txt"
    wanted = "\n".join([BRAINSCORE, *BRAINSCORE_PINS])
    if python.exists() and stamp.is_file() and stamp.read_text() == wanted:
        return python
    print(f"building {venv.relative_to(REPO)} with pip ({BRAINSCORE})", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "--no-deps", BRAINSCORE], check=True)
    subprocess.run([*pip, *BRAINSCORE_PINS], check=True)
    stamp.write_text(wanted)
    return python


def generated_case(n_features: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Features and trial responses driven by one latent per image (GENERATED data)."""
    rng = np.random.default_rng(seed)
    n_images = N_OBJECTS * PER_OBJECT
    latent = rng.standard_normal((n_images, N_LATENT))
    sites = np.maximum(latent @ rng.standard_normal((N_LATENT, N_SITES)), 0)
    mixing = rng.standard_normal((N_LATENT, n_features)) / np.sqrt(N_LATENT)
    features = np.maximum(latent @ mixing, 0) + rng.standard_normal((n_images, n_features))
    noise = rng.standard_normal((n_images, N_REPETITIONS, N_SITES)) * 2 * sites.std()
    trials = (sites[:, None, :] + noise).reshape(-1, N_SITES)  # image-major, repetitions inner
    return {
        "features": features.astype(np.float32),
        "trials": trials,
        "stimulus_id": np.array([f"img{i:04d}" for i in range(n_images)]),
        "object_name": np.repeat([f"obj{k:02d}" for k in range(N_OBJECTS)], PER_OBJECT),
    }


def case_file(n_features: int) -> Path:
    path = VAR / f"case_{N_OBJECTS * PER_OBJECT}x{n_features}x{N_SITES}x{N_REPETITIONS}.npz"
    if not path.is_file():
        VAR.mkdir(parents=True, exist_ok=True)
        np.savez(path, **generated_case(n_features))  # type: ignore[arg-type]
    return path


class Side:
    """One long-lived process answering timed requests: ``kind`` is ours or brainscore."""

    def __init__(self, name: str, python: Path, kind: str, checkout: Path = REPO) -> None:
        self.name = name
        env = {"PYTHONPATH": str(checkout)} if kind == "ours" else {}
        self.process = subprocess.Popen(
            [str(python), str(SIDE), kind], cwd=REPO, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env={**_base_env(), **env},
        )  # fmt: skip

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(json.dumps(request) + "\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.name} side stopped (exit {self.process.wait()})")
        return dict(json.loads(line))

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def _base_env() -> dict[str, str]:
    import os

    keep = ("PATH", "HOME", "LANG", "TMPDIR", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    return {name: os.environ[name] for name in keep if name in os.environ}


def compare(sides: list[Side], request: dict[str, Any], rounds: int) -> dict[str, Any]:
    """A warm-up per side (one split, same sizes), then ``rounds`` alternating rounds."""
    for side in sides:
        side.ask({**request, "splits": 1})
    runs: dict[str, list[dict[str, Any]]] = {side.name: [] for side in sides}
    for round_number in range(rounds):
        order = sides if round_number % 2 == 0 else sides[::-1]
        for side in order:
            runs[side.name].append(side.ask(request))
    return runs


def summary(label: str, runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    ours, theirs = runs["ours"], runs["other"]
    figures: dict[str, Any] = {"task": label}
    for clock in ("wall_s", "cpu_s"):
        mine, other = [r[clock] for r in ours], [r[clock] for r in theirs]
        figures[clock] = {"ours": statistics.median(mine), "other": statistics.median(other),
                          "ours_range": [min(mine), max(mine)],
                          "other_range": [min(other), max(other)]}  # fmt: skip
        figures[clock]["ratio"] = figures[clock]["other"] / figures[clock]["ours"]
    difference = np.abs(np.array(ours[-1]["values"]) - np.array(theirs[-1]["values"]))
    figures["max_abs_difference"] = float(difference.max())
    figures["ours_mean"] = float(np.mean(ours[-1]["values"]))
    figures["other_mean"] = float(np.mean(theirs[-1]["values"]))
    return figures


def report(figures: dict[str, Any], rounds: int, other: str) -> None:
    print(f"{figures['task']}: medians of {rounds} alternating rounds (min-max)")
    for clock, name in (("wall_s", "wall"), ("cpu_s", "CPU ")):
        f = figures[clock]
        print(f"  [{name}] ours {f['ours']:8.3f} s ({f['ours_range'][0]:.3f}-"
              f"{f['ours_range'][1]:.3f})   {other} {f['other']:8.3f} s "
              f"({f['other_range'][0]:.3f}-{f['other_range'][1]:.3f})   "
              f"{other}/ours {f['ratio']:6.1f}x")  # fmt: skip
    print(f"  mean over splits: ours {figures['ours_mean']:.5f}  {other} "
          f"{figures['other_mean']:.5f}  largest |difference| per split "
          f"{figures['max_abs_difference']:.1e}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--splits", type=int, default=10, help="predictivity splits")
    parser.add_argument("--no-ceiling", action="store_true", help="predictivity only")
    parser.add_argument(
        "--against", type=Path,
        help="instead of Brain-Score: our code in another checkout (e.g. a worktree of main)",
    )  # fmt: skip
    parser.add_argument("--venv", type=Path, default=REPO / "var" / "brainscore-2.4.2")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.against:
        other = f"before ({args.against.name})"
        sides = [Side("ours", Path(sys.executable), "ours"),
                 Side("other", Path(sys.executable), "ours", args.against.resolve())]  # fmt: skip
    else:
        other, python = "Brain-Score", brainscore_python(args.venv.resolve())
        sides = [Side("ours", Path(sys.executable), "ours"),
                 Side("other", python, "brainscore")]  # fmt: skip
    print(f"GENERATED case: {N_OBJECTS * PER_OBJECT:,} images ({N_OBJECTS} objects) x "
          f"{N_SITES} sites x {N_REPETITIONS} repetitions; {args.splits} PLS splits "
          "(25 components)")  # fmt: skip
    if not args.against:
        print(f"Brain-Score: {BRAINSCORE} in {args.venv.name} "
              f"({', '.join(BRAINSCORE_PINS[:4])})")  # fmt: skip
    results = []
    try:
        tasks = [("ceiling", None)] * (not args.no_ceiling)
        tasks += [("predictivity", n) for n in args.features]
        for task, n_features in tasks:
            path = case_file(n_features or args.features[0])
            label = "internal-consistency ceiling" if task == "ceiling" else (
                f"PLS predictivity, {n_features:,} features")  # fmt: skip
            splits = 10 if task == "ceiling" else args.splits  # Brain-Score's ceiling: 10
            request = {"case": str(path), "task": task, "splits": splits}
            figures = summary(label, compare(sides, request, args.rounds))
            report(figures, args.rounds, other)
            results.append(figures)
    finally:
        for side in sides:
            side.close()
    seconds = round(time.perf_counter() - started, 1)
    print(json.dumps({"kind": "pls_vs_brainscore", "rounds": args.rounds, "seconds": seconds,
                      "results": results}))  # fmt: skip


if __name__ == "__main__":
    main()
