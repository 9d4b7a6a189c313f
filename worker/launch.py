"""Starting worker processes: ``celery -A worker.celery_app worker`` for some queues, and
one Celery worker process per GPU, each seeing only its own device (``CUDA_VISIBLE_DEVICES``).

A task then uses ``cuda:0`` of its process, a crashed or leaking task takes down one GPU's
worker only, and with ``worker_max_tasks_per_child=1`` each task starts in a fresh child whose
memory (GPU memory included) is returned when it exits.

Every worker process starts with ``worker_env``: the parent's environment plus the allocator
settings below (``ALLOCATOR_ENV``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping


def parse_gpus(text: str) -> list[str]:
    """``"0,1"`` → ``["0", "1"]``; refuses anything but distinct non-negative integers."""
    gpus = [part.strip() for part in text.split(",") if part.strip()]
    if not gpus or not all(gpu.isdigit() for gpu in gpus) or len(set(gpus)) != len(gpus):
        raise ValueError(f"--gpus takes distinct GPU indices such as 0,1; got {text!r}")
    return gpus


# glibc's malloc serves a block above its mmap threshold (128 KiB, adapting up to 32 MiB) with
# a fresh mmap and unmaps it on free. Most activations at batch 64 are larger (to ~400 MB), so
# every forward pass mapped, page-faulted (zero-filled) and unmapped every one of them again:
# scoring EfficientNet-Lite spent more CPU in the kernel than in torch. Blocks up to 1 GiB now
# come from the heap, and up to 1 GiB freed at its top is kept for the next batch. Measured
# (docs/performance.md, "Kernel time of activation extraction"): efficientnet_lite0's whole
# real suite went from 240 s user + 205 s sys (126 M minor page faults) to 160 s + 3.5 s
# (0.86 M), same scores, for +0.8 GB max RSS; a worker process ends with its job
# (``worker_max_tasks_per_child``), which gives that back. glibc reads these when a process
# starts, hence the environment; an operator's own value wins.
ALLOCATOR_ENV = {
    "MALLOC_MMAP_THRESHOLD_": str(1 << 30),
    "MALLOC_TRIM_THRESHOLD_": str(1 << 30),
}


def worker_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a worker process: ``base`` (this process's) plus ``ALLOCATOR_ENV``."""
    return {**ALLOCATOR_ENV, **(os.environ if base is None else base)}


def gpu_worker_env(gpu: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    env = worker_env(base)
    env["CUDA_VISIBLE_DEVICES"] = gpu
    return env


def start_gpu_workers(command: list[str], gpus: list[str]) -> list[subprocess.Popen[bytes]]:
    """Start ``command`` once per GPU, named ``gpu<N>@<host>``."""
    return [
        subprocess.Popen([*command, "--hostname", f"gpu{gpu}@%h"], env=gpu_worker_env(gpu))
        for gpu in gpus
    ]


def worker_command(queues: list[str], concurrency: int) -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker",
        "--queues", ",".join(queues), "--concurrency", str(concurrency), "--loglevel", "INFO",
    ]  # fmt: skip


def start_worker_process(
    queues: list[str], concurrency: int, name: str = "celery"
) -> subprocess.Popen[bytes]:
    command = [*worker_command(queues, concurrency), "--hostname", f"{name}@%h"]
    return subprocess.Popen(command, env=worker_env())
