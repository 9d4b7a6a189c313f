"""User and kernel CPU time and minor page faults of activation extraction, in a process started
as before (glibc's default malloc settings) and in one started as a worker now is
(``worker.launch.worker_env``: ``ALLOCATOR_ENV``).

Each round runs one fresh child process per model and setting, in alternating order; a child
extracts every candidate layer of the model for the first ``--images`` images of the data
step's ImageNet sample at batch 64 (as scoring does; the model randomly initialized, the work
is the same) and reports the extraction's own ``getrusage`` figures. Medians over rounds, with
min-max.

    PYTHONPATH=. nice -n 10 python bench/extraction_page_faults.py \
        --models efficientnet_lite0 mobilenet_v2_1.0_224 --images 256 --threads 2 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

SAMPLE = "imagenet-sample/stimulus_imagenet_sample1000"
FIGURES = ("user_s", "sys_s", "minor_faults", "wall_s", "max_rss_mb")


def child(model: str, images: int, threads: int, data_dir: Path) -> dict[str, float]:
    import pandas as pd
    import torch

    from scoring.activations.extractor import Extractor
    from scoring.activations.preprocess import Preprocessing
    from scoring.data.stimuli import StimulusSet
    from scoring.models import create_model, model_info

    torch.set_num_threads(threads)
    info = model_info(model)
    metadata = pd.read_csv(data_dir / f"{SAMPLE}.csv").head(images)
    with tempfile.TemporaryDirectory() as folder:
        with zipfile.ZipFile(data_dir / f"{SAMPLE}.zip") as archive:
            archive.extractall(folder, members=list(metadata["filename"]))
        names = zip(metadata.stimulus_id, metadata.filename, strict=True)
        paths = {sid: Path(folder) / name for sid, name in names}
        stimuli = StimulusSet("imagenet-sample-head", metadata, paths)
        extractor = Extractor(create_model(model), model, Preprocessing.for_model(info))
        before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        extractor.raw(stimuli, info.candidate_layers)
        after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - started
    return {
        "user_s": after.ru_utime - before.ru_utime,
        "sys_s": after.ru_stime - before.ru_stime,
        "minor_faults": after.ru_minflt - before.ru_minflt,
        "wall_s": wall,
        "max_rss_mb": after.ru_maxrss / 1024,
    }


def environments() -> dict[str, dict[str, str]]:
    from worker.launch import ALLOCATOR_ENV, worker_env

    plain = {key: value for key, value in os.environ.items() if key not in ALLOCATOR_ENV}
    return {"glibc default": plain, "worker_env": worker_env(plain)}


def run_child(args: argparse.Namespace, model: str, env: dict[str, str]) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", model, "--images", str(args.images),
               "--threads", str(args.threads), "--data-dir", str(args.data_dir)]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def _shown(figure: str, value: float) -> str:
    if figure == "minor_faults":
        return f"{value / 1e6:.2f} M"
    return f"{value:.0f}" if figure == "max_rss_mb" else f"{value:.1f}"


def summary(runs: list[dict[str, float]]) -> str:
    parts = []
    for figure in FIGURES:
        values = [run[figure] for run in runs]
        low, middle, high = (
            _shown(figure, v) for v in (min(values), statistics.median(values), max(values))
        )
        parts.append(f"{figure} {middle} ({low}-{high})")
    return "  ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["efficientnet_lite0"])
    parser.add_argument("--images", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=Path("var/data"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.images, args.threads, args.data_dir)))
        return
    print(f"images {args.images}  batch 64  threads {args.threads}  rounds {args.rounds}  "
          f"load average {os.getloadavg()[0]:.2f} at start")  # fmt: skip
    envs = environments()
    runs: dict[tuple[str, str], list[dict[str, float]]] = {}
    for round_ in range(args.rounds):
        for model in args.models:
            names = list(envs) if round_ % 2 == 0 else list(reversed(envs))
            for name in names:
                runs.setdefault((model, name), []).append(run_child(args, model, envs[name]))
    for (model, name), figures in runs.items():
        print(f"{model:22s} {name:13s} {summary(figures)}")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
