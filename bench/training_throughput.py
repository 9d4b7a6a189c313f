"""Images/s of ``scoring.training.train``'s step loop vs a plain PyTorch loop, side by side.

Same model, data, batch, transforms, optimizer settings and thread count; both read the same
JPEGs through the same ImageFolder + DataLoader (0 workers; after the warm-up they are in the
page cache). Both are timed over the same steps with the same clocks: wall (``perf_counter``)
and process CPU time (``process_time``, steadier on a shared machine), read after step
``--warmup`` and after step ``--steps``. Ours reads them in its own progress callback, which it
calls at those steps (``log_every_steps`` = ``--warmup``), so the timed window holds its
per-step work (learning rate, running sums, the reports) and nothing else.

Fairness: the training set is made larger than ``--steps`` batches, so neither loop reaches
the end of an epoch: ours stops at ``max_steps`` inside its first epoch, and its per-epoch
evaluation, checkpoint and final weights never fall in (or near) the timed window; the plain
loop does none of them either. The bench times the same steps only.

Honesty: one untimed run of each at the timed size first, then ``--repeats`` rounds whose
order rotates; medians with min-max, the ratio of medians and the median of per-round ratios.

    PYTHONPATH=. python bench/training_throughput.py --model tiny --steps 25 --warmup 5
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import tempfile
import time
from collections.abc import Callable
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

Clocks = tuple[float, float]  # (wall, CPU) seconds
Loop = Callable[[], Clocks]


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


def now() -> Clocks:
    return time.perf_counter(), time.process_time()


def elapsed(start: Clocks, end: Clocks) -> Clocks:
    return end[0] - start[0], end[1] - start[1]


def ours(name: str, data: Path, profile: TrainingProfile, steps: int, warmup: int) -> Clocks:
    marks: dict[int, Clocks] = {}

    def mark(report: TrainingProgress) -> None:
        if report.phase == "train" and report.step in (warmup, steps):
            marks[report.step] = now()

    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as out:
        train(build(name), data, profile, out, max_steps=steps, progress=mark)
    return elapsed(marks[warmup], marks[steps])


def plain(name: str, data: Path, profile: TrainingProfile, steps: int, warmup: int) -> Clocks:
    torch.manual_seed(0)
    model = build(name)
    dataset = ImageFolder(data / "train", train_transform(profile, IMAGENET_MEAN, IMAGENET_STD))
    loader = DataLoader(dataset, batch_size=profile.batch_size, shuffle=True)
    optimizer = torch.optim.SGD(
        model.parameters(),
        lr=profile.lr,
        momentum=profile.momentum,
        weight_decay=profile.weight_decay,
    )
    criterion = nn.CrossEntropyLoss()
    model.train()
    start = now()
    for done, (batch, labels) in enumerate(loader, start=1):
        loss = criterion(model(batch), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if done == warmup:
            start = now()
        if done == steps:
            return elapsed(start, now())
    raise RuntimeError("the epoch ended before the timed steps did")


def rounds(loops: dict[str, Loop], repeats: int) -> dict[str, list[Clocks]]:
    """One untimed run of each, then ``repeats`` rounds; the order rotates each round."""
    for loop in loops.values():
        loop()
    names = list(loops)
    times: dict[str, list[Clocks]] = {name: [] for name in names}
    for round_number in range(repeats):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(loops[name]())
    return times


def summary(times: dict[str, list[Clocks]], images: int) -> list[str]:
    lines = []
    for index, clock in enumerate(("wall", "cpu")):
        rates = {name: [images / run[index] for run in runs] for name, runs in times.items()}
        ours_rate, plain_rate = statistics.median(rates["ours"]), statistics.median(rates["plain"])
        paired = statistics.median(
            o / p for o, p in zip(rates["ours"], rates["plain"], strict=True)
        )
        lines.append(
            f"[{clock:4}] plain loop: {plain_rate:7.1f} images/s ({min(rates['plain']):.1f}-"
            f"{max(rates['plain']):.1f})   ours: {ours_rate:7.1f} images/s "
            f"({min(rates['ours']):.1f}-{max(rates['ours']):.1f})   ours/plain "
            f"{ours_rate / plain_rate:.3f} (median of per-round ratios {paired:.3f})"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tiny")
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps; must divide --steps")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.steps % args.warmup or args.steps <= args.warmup:
        parser.error("--steps must be a larger multiple of --warmup (ours reports every --warmup)")
    torch.set_num_threads(args.threads)
    # one more batch than the run needs: no epoch ends inside either loop
    per_class = math.ceil((args.steps + 1) * args.batch / 10)
    data = extract_imagefolder(
        cifar10_folder(),
        Path(tempfile.gettempdir()) / f"ventral-bench-cifar-{per_class}",
        train_per_class=per_class,
    )
    profile = replace(
        get_profile("cpu-quick"),
        batch_size=args.batch,
        input_size=args.size,
        resize_size=args.size,
        log_every_steps=args.warmup,
        epochs=1000,
    )
    steps = (args.model, data, profile, args.steps, args.warmup)
    load = os.getloadavg()
    times = rounds({"ours": lambda: ours(*steps), "plain": lambda: plain(*steps)}, args.repeats)
    timed_images = (args.steps - args.warmup) * args.batch
    print(f"model {args.model}, {args.size} px, batch {args.batch}, {per_class * 10} training "
          f"images (one epoch longer than the run: no epoch end, evaluation or checkpoint in "
          f"either loop), {args.threads} threads; {args.steps} steps per run, steps "
          f"{args.warmup + 1}-{args.steps} timed ({timed_images} images) on both sides"
          )  # fmt: skip
    print(f"one untimed run of each first; medians of {args.repeats} rounds (min-max), order "
          f"rotated each round; load average {load[0]:.1f} at start, "
          f"{os.getloadavg()[0]:.1f} at the end")  # fmt: skip
    for line in summary(times, timed_images):
        print(line)


if __name__ == "__main__":
    main()
