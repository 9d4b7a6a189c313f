"""Starting worker processes: ``celery -A worker.celery_app worker`` for some queues, and
one Celery worker process per GPU, each seeing only its own device (``CUDA_VISIBLE_DEVICES``).

A task then uses ``cuda:0`` of its process, a crashed or leaking task takes down one GPU's
worker only, and with ``worker_max_tasks_per_child=1`` each task starts in a fresh child whose
memory (GPU memory included) is returned when it exits.
"""

from __future__ import annotations

import os
import subprocess
import sys


def parse_gpus(text: str) -> list[str]:
    """``"0,1"`` → ``["0", "1"]``; refuses anything but distinct non-negative integers."""
    gpus = [part.strip() for part in text.split(",") if part.strip()]
    if not gpus or not all(gpu.isdigit() for gpu in gpus) or len(set(gpus)) != len(gpus):
        raise ValueError(f"--gpus takes distinct GPU indices such as 0,1; got {text!r}")
    return gpus


def gpu_worker_env(gpu: str, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
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
    return subprocess.Popen(command, env=os.environ.copy())
