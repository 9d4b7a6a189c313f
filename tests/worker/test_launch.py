"""Worker processes: the --gpus list, each worker's CUDA_VISIBLE_DEVICES, and the allocator
settings every worker starts with."""

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from worker.launch import (
    ALLOCATOR_ENV,
    gpu_worker_env,
    parse_gpus,
    start_gpu_workers,
    start_worker_process,
    worker_env,
)

BUFFER_BYTES = 64 << 20  # one activation of a batch of 64 (efficientnet_lite0's: up to 308 MB)
WARM_ROUNDS, ROUNDS = 10, 20
# A child that runs ROUNDS "layers" as a forward pass does (each result a new buffer, the
# previous one freed) after WARM_ROUNDS of the same, and prints the minor page faults of those
# ROUNDS: a buffer faulted in again shows up here, one reused from the heap does not.
REUSE_PROBE = f"""
import resource, torch
torch.set_num_threads(1)
x = torch.ones({BUFFER_BYTES // 4})
def layers():
    y = torch.relu(x)
    z = y * 2
    del y
    return (z + 1).sum()
for _ in range({WARM_ROUNDS}):
    layers()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range({ROUNDS}):
    layers()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def test_gpu_list_is_parsed() -> None:
    assert parse_gpus("0, 1,3") == ["0", "1", "3"]


@pytest.mark.parametrize("text", ["", "a", "0,0", "-1", "0;1"])
def test_bad_gpu_lists_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="distinct GPU indices"):
        parse_gpus(text)


def test_each_worker_sees_only_its_gpu() -> None:
    env = gpu_worker_env("1", {"PATH": "/bin", "CUDA_VISIBLE_DEVICES": "0,1"})
    assert env == {**ALLOCATOR_ENV, "PATH": "/bin", "CUDA_VISIBLE_DEVICES": "1"}


def test_workers_keep_freed_activation_memory_for_the_next_batch() -> None:
    env = worker_env({"PATH": "/bin"})
    assert int(env["MALLOC_MMAP_THRESHOLD_"]) >= BUFFER_BYTES
    assert int(env["MALLOC_TRIM_THRESHOLD_"]) >= BUFFER_BYTES


def test_an_operators_allocator_setting_wins() -> None:
    env = worker_env({"MALLOC_TRIM_THRESHOLD_": "0"})
    assert env["MALLOC_TRIM_THRESHOLD_"] == "0"
    assert env["MALLOC_MMAP_THRESHOLD_"] == ALLOCATOR_ENV["MALLOC_MMAP_THRESHOLD_"]


def _page_faults_of_reused_buffers(env: dict[str, str]) -> int:
    run = subprocess.run(
        [sys.executable, "-c", REUSE_PROBE], env=env, capture_output=True, text=True, check=True
    )
    return int(run.stdout)


def _huge_pages_always() -> bool:
    """Transparent huge pages for every mapping: faults come 2 MiB at a time, so counting them
    no longer tells a buffer faulted in again from one reused."""
    setting = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    return setting.is_file() and "[always]" in setting.read_text()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc settings")
@pytest.mark.skipif(_huge_pages_always(), reason="transparent huge pages for every mapping")
def test_a_worker_reuses_freed_buffers_instead_of_faulting_them_in_again() -> None:
    plain = {key: value for key, value in os.environ.items() if key not in ALLOCATOR_ENV}
    pages_per_buffer = BUFFER_BYTES // os.sysconf("SC_PAGE_SIZE")
    # Without the settings every buffer is mapped anew and each of its pages faulted in; with
    # them the warmed-up heap serves the buffers from pages already faulted in.
    assert _page_faults_of_reused_buffers(plain) >= ROUNDS * pages_per_buffer
    # At most a few buffers' worth, not one per allocation (a fresh clone's CI saw exactly one
    # buffer's worth: the heap may still grow once after the warm-up rounds).
    assert _page_faults_of_reused_buffers(worker_env(plain)) < 4 * pages_per_buffer


def test_local_workers_start_with_the_allocator_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[dict[str, str]] = []
    monkeypatch.setattr("worker.launch.subprocess.Popen", lambda command, env: started.append(env))
    start_worker_process(["default"], 1)
    gpu_workers = start_gpu_workers(["celery"], ["0", "1"])
    assert len(started) == 3 and len(gpu_workers) == 2
    assert all(ALLOCATOR_ENV.items() <= env.items() for env in started)
