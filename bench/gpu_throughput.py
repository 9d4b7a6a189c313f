"""CORnet-S throughput on one accelerator: inference, our activation extraction, training.

One prepared script for a lent GPU machine; it needs only torch and this repository (the
extraction case also needs numpy, pandas, xarray and Pillow, and says so if they are missing).

- inference: ``model(x)`` under ``torch.no_grad`` on a batch already on the device, fp32 and
  with ``torch.autocast`` bf16, for each ``--batches`` size;
- extraction: JPEGs through ``scoring.activations.Extractor`` (every committed region, every
  time step, copied to the host and assembled) vs a plain loop of the same decoding plus
  ``model(x)`` on the same batches, and the decoding alone;
- training: one SGD step (cross-entropy) on a random ImageNet-shaped batch, fp32 and bf16.

Each case warms up, then runs timed trials (``torch.cuda.synchronize`` before each clock read)
until ``--seconds-per-case`` is spent, and reports the best trial (and the median). The default
budget keeps the whole run near 3 minutes on a GPU.

    python bench/gpu_throughput.py                            # on the GPU machine
    python bench/gpu_throughput.py --device cpu --quick       # a smoke run anywhere (not a figure)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # runs as `python bench/gpu_throughput.py` on a bare machine
    sys.path.insert(0, str(REPO))


def machine_line(device: torch.device) -> str:
    versions = f"torch {torch.__version__}, CUDA {torch.version.cuda}"
    if device.type != "cuda":
        return (
            f"device cpu ({platform.processor() or platform.machine()}, {os.cpu_count()} CPUs)"
            f", {versions}, {torch.get_num_threads()} threads"
        )
    flags = (f"cudnn {torch.backends.cudnn.version()}, cudnn.benchmark on, TF32 conv "
             f"{torch.backends.cudnn.allow_tf32}, TF32 matmul "
             f"{torch.backends.cuda.matmul.allow_tf32}")  # fmt: skip
    name = torch.cuda.get_device_name(device)
    memory = torch.cuda.get_device_properties(device).total_memory / 2**30
    return f"device {name} ({memory:.0f} GiB), {versions}, {flags}, {os.cpu_count()} CPUs"


def synchronizer(device: torch.device) -> Callable[[], None]:
    return torch.cuda.synchronize if device.type == "cuda" else (lambda: None)


def autocast(device: torch.device, precision: str) -> contextlib.AbstractContextManager[Any]:
    if precision == "fp32":
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16)


def best_rate(
    step: Callable[[], object], images: int, seconds: float, warmup: int, sync: Callable[[], None]
) -> dict[str, Any]:
    """images/s of ``step``: best and median of timed trials of about seconds/5 each. The
    calibration step (timed to size the trials) is one more warm-up, never counted; with
    ``seconds`` 0 (a smoke run) there is none, and one untimed-for-size step is the trial."""
    for _ in range(warmup):
        step()
    sync()
    per_trial = 1
    if seconds > 0:
        started = time.perf_counter()
        step()
        sync()
        per_trial = max(1, round(seconds / 5 / max(time.perf_counter() - started, 1e-6)))
    rates: list[float] = []
    deadline = time.perf_counter() + seconds
    while not rates or time.perf_counter() < deadline:
        started = time.perf_counter()
        for _ in range(per_trial):
            step()
        sync()
        rates.append(images * per_trial / (time.perf_counter() - started))
    return {"best": round(max(rates), 1), "median": round(statistics.median(rates), 1),
            "trials": len(rates), "steps_per_trial": per_trial}  # fmt: skip


def peak_gib(device: torch.device) -> float | None:
    if device.type != "cuda":
        return None
    peak = torch.cuda.max_memory_allocated(device) / 2**30
    torch.cuda.reset_peak_memory_stats(device)
    torch.cuda.empty_cache()
    return round(peak, 2)


def inference(model: nn.Module, device: torch.device, args: argparse.Namespace) -> dict[str, Any]:
    model.eval()
    results: dict[str, Any] = {}
    for precision in ("fp32", "bf16"):
        for batch in args.batches:
            images = torch.randn(batch, 3, args.image_size, args.image_size, device=device)

            def forward(images: torch.Tensor = images, precision: str = precision) -> None:
                with torch.no_grad(), autocast(device, precision):
                    model(images)

            rate = best_rate(forward, batch, args.seconds_per_case, args.warmup, args.sync)
            rate["peak_gib"] = peak_gib(device)
            results.setdefault(precision, {})[str(batch)] = rate
            show(f"inference {precision} batch {batch}", rate)
    return results


def training(model: nn.Module, device: torch.device, args: argparse.Namespace) -> dict[str, Any]:
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    batch = args.train_batch
    images = torch.randn(batch, 3, args.image_size, args.image_size, device=device)
    labels = torch.randint(0, args.num_classes, (batch,), device=device)
    results: dict[str, Any] = {}
    for precision in ("fp32", "bf16"):
        losses: list[torch.Tensor] = []

        def step(precision: str = precision, losses: list[torch.Tensor] = losses) -> None:
            optimizer.zero_grad(set_to_none=True)
            with autocast(device, precision):
                loss = nn.functional.cross_entropy(model(images), labels)
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())

        rate = best_rate(step, batch, args.seconds_per_case, args.warmup, args.sync)
        rate["peak_gib"] = peak_gib(device)
        rate["last_loss"] = round(float(losses[-1]), 3)
        results[precision] = rate
        show(f"training {precision} batch {batch} (SGD step)", rate)
    model.eval()
    return results


def extraction(model: nn.Module, device: torch.device, args: argparse.Namespace) -> dict[str, Any]:
    try:
        from scoring.activations.extractor import Extractor, padded_batches
        from scoring.activations.preprocess import Preprocessing, load_batch
        from scoring.models import model_info
    except ImportError as missing:
        print(f"extraction: skipped, {type(missing).__name__}: {missing}")
        return {"skipped": f"{type(missing).__name__}: {missing}"}
    info = model_info(args.model)
    layers = sorted(set(info.region_layers.values()))
    prep = Preprocessing(input_size=args.image_size, mean=info.mean, std=info.std)
    extractor = Extractor(model, args.model, prep, temporal=info.recurrent,
                          batch_size=args.extraction_batch, device=str(device))  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="ventral-gpu-bench-") as folder:
        stimuli = jpeg_stimuli(args.extraction_images, Path(folder))
        paths = [stimuli.path(i) for i in stimuli.stimulus_ids]
        batches = [[stimuli.path(i) for i in ids] for ids, _ in
                   padded_batches(stimuli.stimulus_ids, args.extraction_batch)]  # fmt: skip

        def decode() -> None:
            for batch in batches:
                load_batch(batch, prep)

        def plain() -> None:
            with torch.no_grad():
                for batch in batches:
                    model(load_batch(batch, prep).to(device))

        cases = {"decode_only": decode, "plain": plain, "ours": lambda: extractor(stimuli, layers)}
        results: dict[str, Any] = {"batch": args.extraction_batch, "images": len(paths),
                                   "layers": layers, "temporal": info.recurrent}  # fmt: skip
        for name, run in cases.items():
            results[name] = best_rate(run, len(paths), args.seconds_per_case, 0, args.sync)
            show(f"extraction {name} ({len(paths)} JPEGs, batch {args.extraction_batch})",
                 results[name])  # fmt: skip
    plain_rate, ours_rate = results["plain"]["best"], results["ours"]["best"]
    results["overhead_pct"] = round(100 * (plain_rate / ours_rate - 1), 1)
    print(f"extraction overhead vs plain model(x): {results['overhead_pct']:+.1f}% time per image")
    return results


def jpeg_stimuli(count: int, folder: Path) -> Any:
    import numpy as np
    import pandas as pd
    from PIL import Image

    from scoring.data.stimuli import StimulusSet

    generator = np.random.default_rng(0)
    paths = {}
    for index in range(count):
        pixels = generator.integers(0, 256, (256, 256, 3), dtype=np.uint8)
        paths[f"image{index}"] = folder / f"{index}.jpg"
        Image.fromarray(pixels).save(paths[f"image{index}"], quality=90)
    metadata = pd.DataFrame({"stimulus_id": list(paths)})
    return StimulusSet(f"gpu-bench-{count}", metadata, paths)


def show(case: str, rate: dict[str, Any]) -> None:
    peak = rate.get("peak_gib")
    memory = "" if peak is None else f", peak {peak:.1f} GiB"
    print(f"{case:<48} {rate['best']:10,.1f} images/s  best of {rate['trials']} "
          f"(median {rate['median']:,.1f}{memory})", flush=True)  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--model", help="default: cornet_s (--quick: cornet_s_scale1)")
    parser.add_argument("--batches", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--train-batch", type=int, default=128)
    parser.add_argument("--image-size", type=int, default=224)
    parser.add_argument("--extraction-images", type=int, default=512)
    parser.add_argument("--extraction-batch", type=int, default=64, help="the service's default")
    parser.add_argument("--seconds-per-case", type=float, default=12.0)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, help="CPU threads; default: torch's (--quick: 1)")
    parser.add_argument("--quick", action="store_true", help="tiny settings for a smoke run")
    args = parser.parse_args()
    if args.quick:  # CORnet-S's circuit, bottleneck expansion 1: same code, same steps
        args.model = args.model or "cornet_s_scale1"
        args.batches, args.train_batch, args.image_size = [2], 2, 32
        args.extraction_images, args.extraction_batch = 4, 2
        args.seconds_per_case, args.warmup = 0, 0
        args.threads = args.threads or 1  # a smoke run on a shared machine: no oversubscription
    args.model = args.model or "cornet_s"
    return args


def main() -> None:
    started = time.perf_counter()
    args = parse_args()
    device = torch.device(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    args.sync = synchronizer(device)
    from scoring.models import create_model, model_info

    args.num_classes = model_info(args.model).num_classes
    model = create_model(args.model).to(device)
    print(f"machine: {machine_line(device)}")
    print(
        f"model {args.model} at {args.image_size} px, {args.seconds_per_case:g} s per case"
        f"{' (quick smoke settings: not a measurement)' if args.quick else ''}",
        flush=True,
    )
    results = {
        "inference": inference(model, device, args),
        "extraction": extraction(model, device, args),
        "training": training(model, device, args),
    }
    seconds = round(time.perf_counter() - started, 1)
    print(f"total {seconds} s")
    print(json.dumps({
        "kind": "gpu_throughput", "device": device.type, "machine": machine_line(device),
        "torch": torch.__version__, "cuda": torch.version.cuda, "model": args.model,
        "image_size": args.image_size, "quick": args.quick, **results, "seconds": seconds,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
