"""``train``: run a training job in this process, or as a ``torch.distributed`` group.

With ``nproc > 1`` the parent spawns ``nproc`` ranks (``torch.multiprocessing``, start method
``spawn``, non-daemonic so each rank may start DataLoader workers). Ranks join a process group
(gloo on CPU, NCCL on CUDA, rank ``r`` on ``cuda:r``) over a TCP rendezvous on 127.0.0.1.
Rank 0 puts progress reports on a ``multiprocessing`` queue; the parent drains it into the
caller's callback while it waits, then reads rank 0's ``result.json``. Every rank watches its
parent and exits if the parent dies, so a killed job leaves no orphan ranks behind.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import queue
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from scoring.training.models import ModelSpec
from scoring.training.profiles import TrainingProfile, get_profile
from scoring.training.progress import ProgressCallback, TrainingProgress, TrainingResult
from scoring.training.run import RESULT_FILE, Rank, TrainingJob, run_training

PARENT_POLL_SECONDS = 1.0
REPORT_POLL_SECONDS = 0.05
PR_SET_PDEATHSIG = 1


def train(
    model: ModelSpec,
    data_dir: Path | str,
    profile: TrainingProfile | str,
    out_dir: Path | str,
    *,
    nproc: int = 1,
    device: str = "cpu",
    resume: bool = True,
    progress: ProgressCallback | None = None,
    max_steps: int | None = None,
) -> TrainingResult:
    """Train ``model`` on the ImageFolder data in ``data_dir`` with ``profile``.

    Checkpoints go to ``out_dir/checkpoints`` after every epoch; with ``resume`` a call on the
    same ``out_dir`` continues after the last finished epoch. ``max_steps`` caps the total
    number of optimizer steps (counting steps done before a resume).
    """
    if isinstance(profile, str):
        profile = get_profile(profile)
    if nproc < 1:
        raise ValueError(f"nproc must be at least 1, got {nproc}")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    job = TrainingJob(model, Path(data_dir), profile, Path(out_dir), device, resume, max_steps)
    if nproc == 1:
        result = run_training(job, Rank(), progress)
        assert result is not None
        return result
    return _train_distributed(job, nproc, progress)


def _train_distributed(
    job: TrainingJob, nproc: int, progress: ProgressCallback | None
) -> TrainingResult:
    context = mp.get_context("spawn")
    reports: Any = context.Queue()
    address = f"tcp://127.0.0.1:{_free_port()}"
    processes = mp.start_processes(
        _rank_main,
        args=(nproc, job, address, reports, os.getpid()),
        nprocs=nproc,
        join=False,
        daemon=False,
        start_method="spawn",
    )
    while not processes.join(timeout=REPORT_POLL_SECONDS):
        _drain(reports, progress)
    _drain(reports, progress)
    return TrainingResult.from_json_file(job.out_dir / RESULT_FILE)


def _drain(reports: Any, progress: ProgressCallback | None) -> None:
    while True:
        try:
            report: TrainingProgress = reports.get_nowait()
        except queue.Empty:
            return
        if progress is not None:
            progress(report)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rank_main(
    index: int, world_size: int, job: TrainingJob, address: str, reports: Any, parent_pid: int
) -> None:
    _exit_with_parent(parent_pid)
    if not job.device.startswith("cuda"):
        torch.set_num_threads(max(1, len(os.sched_getaffinity(0)) // world_size))
    backend = "nccl" if job.device.startswith("cuda") else "gloo"
    dist.init_process_group(backend, init_method=address, rank=index, world_size=world_size)
    try:
        emit = reports.put if index == 0 else None
        run_training(job, Rank(index, world_size), emit)
    finally:
        dist.destroy_process_group()


def _exit_with_parent(parent_pid: int) -> None:
    """A rank whose launcher died (SIGKILL of the job) stops instead of training on.

    Linux delivers SIGKILL on the parent's death (prctl PR_SET_PDEATHSIG); elsewhere a thread
    polls the parent pid.
    """
    request_parent_death_signal()

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def request_parent_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
