"""Resource limits of one sandboxed forward pass (defaults and their reasons: docs/security.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MiB = 1024**2
GiB = 1024**3

SandboxMode = Literal["auto", "bwrap", "plain"]


@dataclass(frozen=True)
class SandboxLimits:
    wall_seconds: float = 60.0
    cpu_seconds: int = 120
    memory_bytes: int = 4 * GiB
    file_bytes: int = 512 * MiB
    open_files: int = 256
    # Processes and threads the model may run at once (RLIMIT_NPROC, set by the child before any
    # model code). Under bwrap the kernel counts them in the sandbox's own user namespace; in plain
    # mode it counts every task of the worker's user, so the child adds what it sees running.
    processes: int = 64
    tmp_bytes: int = 64 * MiB  # size of the fresh /tmp tmpfs (bwrap mode)
    threads: int = 1
    max_output_bytes: int = 512 * MiB
    mode: SandboxMode = "auto"
    guard: bool = True

    def describe_memory(self) -> str:
        return f"{self.memory_bytes / GiB:g} GiB"
