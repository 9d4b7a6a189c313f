"""Images/s of our activation extraction vs a plain ``model(x)`` loop on the same model,
batch size, images and thread count; prints medians, the spread and the ratio.

Both run once at the timed size first (warm-up), then in rounds whose order rotates (plain
first, then ours first, ...); throughputs are medians over rounds, with min-max.

Both loops decode and preprocess the images with the same code and run the same forward
passes; the extraction adds what it does on top (the timed work is the whole call on both
sides): the forward hooks, keeping every hooked output (every time step; copied only for
layers the model changes in place later), flattening and the xarray assembly with stimulus
metadata. The warm-up call also lets the extractor learn which layers need copies. Both clocks
are printed: wall and process CPU time (steadier on a shared machine), with the ratio of the
medians and the median of the per-round ratios.

    PYTHONPATH=. python bench/extraction_overhead.py --model cornet_s --images 128 --threads 2
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
import torch

from bench.cifar_source import cifar10_folder
from scoring.activations.extractor import Extractor, padded_batches
from scoring.activations.preprocess import Preprocessing, load_batch
from scoring.data.stimuli import StimulusSet
from scoring.models import create_model, model_info


def cifar_stimuli(count: int, folder: Path) -> StimulusSet:
    data = cifar10_folder()
    rows = list(csv.DictReader((data / "test_order.csv").open()))[:count]
    paths = {}
    with zipfile.ZipFile(data / "cifar10_test_jpeg.zip") as archive:
        for row in rows:
            paths[f"cifar{row['test_index']}"] = folder / f"{row['test_index']}.jpg"
            paths[f"cifar{row['test_index']}"].write_bytes(archive.read(row["filename"]))
    metadata = pd.DataFrame({"stimulus_id": list(paths), "label": [r["class_name"] for r in rows]})
    return StimulusSet(f"cifar10-bench-{count}", metadata, paths)


def plain_loop(
    model: torch.nn.Module, stimuli: StimulusSet, prep: Preprocessing, batch: int
) -> None:
    with torch.no_grad():
        for ids, _ in padded_batches(stimuli.stimulus_ids, batch):
            model(load_batch([stimuli.path(i) for i in ids], prep))


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, process CPU seconds); CPU time is steadier on a shared machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def rounds(
    runs: Mapping[str, Callable[[], object]], repeats: int
) -> dict[str, list[tuple[float, float]]]:
    """``repeats`` rounds; the order rotates by one each round, so neither loop is always first."""
    names = list(runs)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for round_number in range(repeats):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(timed(runs[name]))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="cornet_s")
    parser.add_argument("--layers", nargs="*", help="default: the model's region layers")
    parser.add_argument("--images", type=int, default=128)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    info = model_info(args.model)
    layers = args.layers or sorted(set(info.region_layers.values())) or [info.behavioral_readout]
    model = create_model(args.model).eval()
    prep = Preprocessing.for_model(info)
    extractor = Extractor(model, args.model, prep, temporal=info.recurrent, batch_size=args.batch)
    with tempfile.TemporaryDirectory() as folder:
        stimuli = cifar_stimuli(args.images, Path(folder))
        runs = {
            "plain": lambda: plain_loop(model, stimuli, prep, args.batch),
            "ours": lambda: extractor(stimuli, layers),
        }
        for run in runs.values():  # warm-up: the timed images and batch size, once each
            run()
        load = os.getloadavg()
        times = rounds(runs, args.repeats)
    print(f"model {args.model}  layers {layers}  images {args.images}  batch {args.batch}")
    print(f"threads {args.threads}  input {info.input_size}px  medians of {args.repeats} rounds, "
          "order rotated each round, after one warm-up run of each at this size; load average "
          f"{load[0]:.1f} at start, {os.getloadavg()[0]:.1f} at the end")  # fmt: skip
    for index, clock in enumerate(("wall", "cpu")):
        plain = [args.images / t[index] for t in times["plain"]]
        ours = [args.images / t[index] for t in times["ours"]]
        base, extra = statistics.median(plain), statistics.median(ours)
        paired = statistics.median(o / p for o, p in zip(ours, plain, strict=True))
        print(f"[{clock:4}] plain model(x): {base:7.2f} images/s "
              f"({min(plain):.2f}-{max(plain):.2f})   extraction: {extra:7.2f} images/s "
              f"({min(ours):.2f}-{max(ours):.2f})   ours/plain {extra / base:.3f} "
              f"(median of per-round ratios {paired:.3f})")  # fmt: skip


if __name__ == "__main__":
    main()
