"""Images/s of ``scoring.training.train``'s step loop vs a plain PyTorch loop, side by side.

Same model, data, batch, transforms and thread count; both read JPEGs through the same
ImageFolder + DataLoader. Ours is timed from its own progress reports (after the warm-up steps),
the plain loop with a wall clock over the same steps.

    PYTHONPATH=. python bench/training_throughput.py --model tiny --steps 40 --batch 64
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader

from bench.cifar_source import cifar10_folder
from scoring.training import TrainingProgress, get_profile, train
from scoring.training.cifar10 import extract_imagefolder
from scoring.training.datasets import ImageFolder
from scoring.training.profiles import IMAGENET_MEAN, IMAGENET_STD, TrainingProfile
from scoring.training.transforms import train_transform


def tiny_net() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1),
        nn.BatchNorm2d(32),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(128, 10),
    )


def build(name: str) -> nn.Module:
    if name == "tiny":
        return tiny_net()
    from scoring.models import create_model
    from scoring.training.models import replace_classifier

    model = create_model(name)
    replace_classifier(model, 10)
    return model


def ours(name: str, data: Path, profile: TrainingProfile, steps: int, warmup: int) -> float:
    reports: list[TrainingProgress] = []
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as out:
        train(build(name), data, profile, out, max_steps=steps, progress=reports.append)
    timed = [r for r in reports if r.phase == "train" and r.step > warmup]
    # Equal-sized intervals: the harmonic mean of their rates is total images / total time.
    return statistics.harmonic_mean([r.images_per_second for r in timed])


def plain(name: str, data: Path, profile: TrainingProfile, steps: int, warmup: int) -> float:
    torch.manual_seed(0)
    model = build(name)
    dataset = ImageFolder(data / "train", train_transform(profile, IMAGENET_MEAN, IMAGENET_STD))
    loader = DataLoader(dataset, batch_size=profile.batch_size, shuffle=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=profile.lr, momentum=0.9, weight_decay=5e-4)
    criterion = nn.CrossEntropyLoss()
    model.train()
    done, images, started = 0, 0, 0.0
    while done < steps:
        for batch, labels in loader:
            if done == warmup:
                started, images = time.perf_counter(), 0
            loss = criterion(model(batch), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            done, images = done + 1, images + len(labels)
            if done == steps:
                break
    return images / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tiny")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--per-class", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = extract_imagefolder(
        cifar10_folder(),
        Path(tempfile.gettempdir()) / f"ventral-bench-cifar-{args.per_class}",
        train_per_class=args.per_class,
    )
    profile = replace(
        get_profile("cpu-quick"),
        batch_size=args.batch,
        input_size=args.size,
        resize_size=args.size,
        log_every_steps=args.warmup,
        epochs=1000,
    )
    loops = {"ours": ours, "plain": plain}
    rates: dict[str, list[float]] = {name: [] for name in loops}
    for round_number in range(args.repeats):  # the order alternates round by round
        order = list(loops) if round_number % 2 == 0 else list(loops)[::-1]
        for name in order:
            rates[name].append(loops[name](args.model, data, profile, args.steps, args.warmup))
    ours_rate, plain_rate = statistics.median(rates["ours"]), statistics.median(rates["plain"])
    print(f"model {args.model}, {args.size} px, batch {args.batch}, {args.per_class * 10} "
          f"training images, {args.threads} threads: {args.steps} steps per run, the first "
          f"{args.warmup} untimed (warm-up at this size); medians of {args.repeats} rounds, "
          "order alternating")  # fmt: skip
    print(
        json.dumps(
            {
                **vars(args),
                "ours_images_per_s": round(ours_rate, 1),
                "plain_images_per_s": round(plain_rate, 1),
                "ours_runs": [round(rate, 1) for rate in rates["ours"]],
                "plain_runs": [round(rate, 1) for rate in rates["plain"]],
                "ratio_ours_over_plain": round(ours_rate / plain_rate, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
