"""Images/s of our activation extraction vs a plain ``model(x)`` loop on the same model,
batch size, images and thread count, run alternately; prints the overhead ratio.

Both loops decode and preprocess the images with the same code; the extraction adds the
forward hooks, the copies of every hooked output (every time step), flattening and the
xarray assembly with stimulus metadata.

    PYTHONPATH=. python bench/extraction_overhead.py --model cornet_s --images 128 --threads 2
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
import zipfile
from collections.abc import Callable
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="cornet_s")
    parser.add_argument("--layers", nargs="*", help="default: the model's region layers")
    parser.add_argument("--images", type=int, default=128)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    info = model_info(args.model)
    layers = args.layers or sorted(set(info.region_layers.values())) or [info.behavioral_readout]
    model = create_model(args.model).eval()
    prep = Preprocessing.for_model(info)
    extractor = Extractor(model, args.model, prep, temporal=info.recurrent, batch_size=args.batch)
    with tempfile.TemporaryDirectory() as folder:
        stimuli = cifar_stimuli(args.images, Path(folder))
        plain_loop(model, stimuli.subset(stimuli.stimulus_ids[:2]), prep, 2)  # warm-up
        plain, ours = [], []
        for _ in range(args.repeats):
            plain.append(timed(lambda: plain_loop(model, stimuli, prep, args.batch)))
            ours.append(timed(lambda: extractor(stimuli, layers)))
    print(f"model {args.model}  layers {layers}  images {args.images}  batch {args.batch}")
    print(f"threads {args.threads}  input {info.input_size}px  best of {args.repeats}, alternating")
    for index, clock in enumerate(("wall", "cpu")):
        base, extra = min(t[index] for t in plain), min(t[index] for t in ours)
        print(f"[{clock:4}] plain model(x): {args.images / base:8.2f} images/s   "
              f"extraction: {args.images / extra:8.2f} images/s   "
              f"overhead {100 * (extra / base - 1):+.1f}%")  # fmt: skip


if __name__ == "__main__":
    main()
