"""Measures the first run's CORnet-Z training on this machine's CPUs: wall time and validation
accuracy after every epoch, on a stratified CIFAR-10 subset (the numbers in docs/workers.md).

    python scripts/measure_first_run_training.py --data var/cache/sources/cifar10 \
        --per-class 1000 --val-per-class 100 --epochs 8 --out var/measure-first-run
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

from scoring.training.cifar10 import training_folder
from scoring.training.launch import train
from scoring.training.profiles import get_profile
from scoring.training.progress import TrainingProgress


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--model", default="cornet_z")
    parser.add_argument("--profile", default="cpu-quick")
    parser.add_argument("--per-class", type=int, default=1000)
    parser.add_argument("--val-per-class", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path("var/measure-first-run"))
    args = parser.parse_args()
    started = time.monotonic()
    folder = training_folder(args.data, args.out / "data", args.per_class, args.val_per_class)
    profile = replace(get_profile(args.profile), epochs=args.epochs)

    def report(progress: TrainingProgress) -> None:
        if progress.phase == "epoch":
            line = {
                "epoch": progress.epoch + 1,
                "elapsed_s": round(time.monotonic() - started),
                "train_accuracy": round(progress.accuracy, 3),
                "val_accuracy": progress.val_accuracy,
                "images_per_second": round(progress.images_per_second),
            }
            print(json.dumps(line), flush=True)

    train(args.model, folder, profile, args.out / "run", resume=False, progress=report)


if __name__ == "__main__":
    main()
