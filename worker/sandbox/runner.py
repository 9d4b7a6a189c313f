"""``run_in_sandbox``: one forward pass of untrusted model code in an isolated child process."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from worker.sandbox import child
from worker.sandbox.errors import (
    SandboxCpuTimeError,
    SandboxError,
    SandboxFileSizeError,
    SandboxMemoryError,
    SandboxModelError,
    SandboxTimeoutError,
    SandboxViolationError,
)
from worker.sandbox.isolation import (
    Mode,
    child_command,
    resolve_mode,
    resource_limiter,
    scrubbed_environment,
)
from worker.sandbox.limits import SandboxLimits
from worker.sandbox.outputs import read_activations
from worker.sandbox.spec import SandboxSpec

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CODE_PACKAGES = (REPO_ROOT / "scoring",)
SPEC_FILE = "spec.json"
LOG_FILE = "sandbox.log"
_LOG_TAIL_BYTES = 16 * 1024
_MESSAGE_CHARACTERS = 500
_BWRAP_SIGNAL_OFFSET = 128


@dataclass(frozen=True)
class SandboxResult:
    activations: dict[str, np.ndarray]
    mode: Mode
    wall_seconds: float


def write_inputs(job_dir: Path, images: np.ndarray, file_name: str = "inputs.npy") -> Path:
    """Images as float32 (N, 3, H, W) in [0, 1]; the child normalises with the spec's mean/std."""
    path = job_dir / file_name
    np.save(path, np.ascontiguousarray(images, dtype=np.float32), allow_pickle=False)
    return path


def run_in_sandbox(
    job_dir: Path,
    spec: SandboxSpec,
    limits: SandboxLimits | None = None,
    code_packages: Sequence[Path] = DEFAULT_CODE_PACKAGES,
) -> SandboxResult:
    """Run ``spec`` in a child process confined to ``job_dir``; return checked activations."""
    limits = limits or SandboxLimits()
    job_dir = job_dir.resolve()
    batch = _input_batch_size(job_dir / spec.inputs_file)
    mode = resolve_mode(limits.mode)
    _prepare_job_dir(job_dir, spec, limits, mode)
    command = child_command(mode, job_dir, code_packages, limits)
    started = time.monotonic()
    return_code, log_tail = _execute(command, job_dir, limits)
    elapsed = time.monotonic() - started
    _raise_for_exit(return_code, mode, log_tail, limits)
    activations = read_activations(
        job_dir / child.ACTIVATIONS_FILE,
        spec.expected_shapes or dict.fromkeys(spec.outputs, ()),
        batch,
        spec.time_steps,
        limits.max_output_bytes,
    )
    return SandboxResult(activations, mode, elapsed)


def _input_batch_size(path: Path) -> int:
    try:
        images = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as error:
        raise SandboxError(f"the job's input images cannot be read: {error}") from None
    if images.ndim != 4:
        raise SandboxError(f"input images must be (N, 3, H, W); got shape {images.shape}")
    return int(images.shape[0])


def _prepare_job_dir(job_dir: Path, spec: SandboxSpec, limits: SandboxLimits, mode: Mode) -> None:
    (job_dir / child.ACTIVATIONS_FILE).unlink(missing_ok=True)
    processes = {"processes": limits.processes, "processes_counted_per_user": mode == "plain"}
    payload = spec.model_dump(mode="json") | {"threads": limits.threads} | processes
    (job_dir / SPEC_FILE).write_text(json.dumps(payload))


def _execute(command: list[str], job_dir: Path, limits: SandboxLimits) -> tuple[int, str]:
    with (job_dir / LOG_FILE).open("w+b") as log:
        process = subprocess.Popen(
            command,
            cwd=job_dir,
            env=scrubbed_environment(limits, str(job_dir)),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=resource_limiter(limits),  # the Celery worker process forks single-threaded
        )
        try:
            return_code = process.wait(timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            _kill_process_group(process)
            raise SandboxTimeoutError(
                f"forward pass exceeded {limits.wall_seconds:g} s; the process was stopped"
            ) from None
        return return_code, _tail(log)


def _kill_process_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _tail(log: IO[bytes]) -> str:
    # Our own descriptor: the child may rename or replace the file, never this open file.
    size = log.seek(0, os.SEEK_END)
    log.seek(max(0, size - _LOG_TAIL_BYTES))
    return log.read().decode("utf-8", errors="replace")


def _raise_for_exit(return_code: int, mode: Mode, log_tail: str, limits: SandboxLimits) -> None:
    if return_code == 0:
        return
    signal_number = _terminating_signal(return_code, mode)
    if signal_number is not None:
        raise _signal_error(signal_number, limits)
    message = _child_message(log_tail)
    raise _exit_code_error(return_code, message, limits)


def _terminating_signal(return_code: int, mode: Mode) -> int | None:
    if return_code < 0:
        return -return_code
    if mode == "bwrap" and return_code > _BWRAP_SIGNAL_OFFSET:
        return return_code - _BWRAP_SIGNAL_OFFSET
    return None


def _signal_error(signal_number: int, limits: SandboxLimits) -> SandboxError:
    if signal_number == signal.SIGXCPU:
        return SandboxCpuTimeError(f"CPU time limit of {limits.cpu_seconds} s exceeded")
    if signal_number == signal.SIGXFSZ:
        return _file_size_error(limits)
    if signal_number == signal.SIGKILL:
        return SandboxMemoryError(
            f"the process was killed (SIGKILL): memory (limit {limits.describe_memory()}) "
            f"or the hard CPU limit ({limits.cpu_seconds + 1} s)"
        )
    valid = signal_number in {member.value for member in signal.Signals}
    name = signal.Signals(signal_number).name if valid else f"signal {signal_number}"
    return SandboxModelError(
        f"the model process crashed ({name}); a failed allocation under the memory limit of "
        f"{limits.describe_memory()} can cause this"
    )


def _file_size_error(limits: SandboxLimits) -> SandboxFileSizeError:
    return SandboxFileSizeError(
        f"the model wrote a file larger than the limit of {limits.file_bytes:,} bytes"
    )


def _exit_code_error(return_code: int, message: str, limits: SandboxLimits) -> SandboxError:
    if return_code == child.EXIT_FILE_SIZE:
        return _file_size_error(limits)
    if return_code == child.EXIT_MEMORY:
        return SandboxMemoryError(f"memory limit {limits.describe_memory()} exceeded ({message})")
    if return_code in (child.EXIT_NETWORK, child.EXIT_FILE_ACCESS, child.EXIT_PROCESS,
                       child.EXIT_NATIVE_CODE):  # fmt: skip
        return SandboxViolationError(message)
    if return_code == child.EXIT_MODEL_ERROR:
        return SandboxModelError(f"the model failed: {message}")
    return SandboxModelError(f"the model process exited with status {return_code}: {message}")


def _child_message(log_tail: str) -> str:
    lines = [line for line in log_tail.splitlines() if line.startswith(child.ERROR_PREFIX)]
    text = (
        lines[-1][len(child.ERROR_PREFIX) :]
        if lines
        else (log_tail.strip().splitlines() or [""])[-1]
    )
    return re.sub(r"[\x00-\x1f\x7f]", " ", text)[:_MESSAGE_CHARACTERS] or "no message"
