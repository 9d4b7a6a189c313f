"""How the child process is isolated: bubblewrap namespaces when available, rlimits always.

Both modes start the child from an empty environment (no credentials) with resource limits set
before ``exec``. The ``bwrap`` mode adds kernel-enforced isolation: no network namespace access,
own PID namespace, a read-only view of only the interpreter and code, and the job folder as the only
writable path. The ``plain`` mode relies on the child's audit-hook guard for network and files.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from worker.sandbox.errors import SandboxUnavailableError
from worker.sandbox.limits import SandboxLimits

Mode = Literal["bwrap", "plain"]
CHILD_SCRIPT = Path(__file__).with_name("child.py")
SANDBOX_UID = 65534  # "nobody" inside the user namespace
_JOB_MOUNT = "/job"
_CODE_MOUNT = "/code"
_CHILD_MOUNT = "/sandbox/child.py"
_SYSTEM_READ_ROOTS = ("/proc/self", "/sys/devices/system/cpu", "/dev/null", "/dev/urandom")
_NAMESPACE_FLAGS = (
    "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
    "--unshare-cgroup-try", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
    "--die-with-parent", "--new-session", "--cap-drop", "ALL",
)  # fmt: skip


def resolve_mode(requested: Literal["auto", "bwrap", "plain"]) -> Mode:
    if requested == "plain":
        return "plain"
    if bwrap_available():
        return "bwrap"
    if requested == "bwrap":
        raise SandboxUnavailableError(
            "bubblewrap (bwrap) is not installed or cannot create namespaces"
        )
    return "plain"


@functools.cache
def bwrap_available() -> bool:
    """bwrap exists and can create the namespaces we ask for (containers may forbid them)."""
    executable = shutil.which("bwrap")
    if executable is None:
        return False
    probe = [executable, *_NAMESPACE_FLAGS, "--ro-bind", "/", "/", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=20, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def scrubbed_environment(limits: SandboxLimits, home: str) -> dict[str, str]:
    """Built from nothing, so no credential of the worker can reach the child."""
    threads = str(limits.threads)
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": threads,
        "MKL_NUM_THREADS": threads,
        "OPENBLAS_NUM_THREADS": threads,
    }


def resource_limiter(limits: SandboxLimits) -> Callable[[], None]:
    """Runs in the forked child before exec; the limits are inherited by everything it starts."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.umask(0o077)

    return apply


def child_command(
    mode: Mode, job_dir: Path, code_packages: Sequence[Path], limits: SandboxLimits
) -> list[str]:
    if mode == "bwrap":
        return _bwrap_command(job_dir, code_packages, limits)
    return _plain_command(job_dir, code_packages, limits.guard)


def _plain_command(job_dir: Path, code_packages: Sequence[Path], guard: bool) -> list[str]:
    code_paths = sorted({str(package.resolve().parent) for package in code_packages})
    read_roots = [*_interpreter_roots(), *(str(p.resolve()) for p in code_packages)]
    return _python_command(str(CHILD_SCRIPT), str(job_dir), code_paths, read_roots, guard)


def _bwrap_command(
    job_dir: Path, code_packages: Sequence[Path], limits: SandboxLimits
) -> list[str]:
    mounts = [*_system_mounts(limits.tmp_bytes), "--ro-bind", str(CHILD_SCRIPT), _CHILD_MOUNT]
    for package in code_packages:
        mounts += ["--ro-bind", str(package.resolve()), f"{_CODE_MOUNT}/{package.name}"]
    mounts += ["--bind", str(job_dir), _JOB_MOUNT, "--chdir", _JOB_MOUNT]
    read_roots = [*_interpreter_roots(), _CODE_MOUNT]
    python = _python_command(_CHILD_MOUNT, _JOB_MOUNT, [_CODE_MOUNT], read_roots, limits.guard)
    return [_bwrap_executable(), *_NAMESPACE_FLAGS, *mounts, *python]


def _python_command(
    child: str, job: str, code_paths: list[str], read_roots: list[str], guard: bool
) -> list[str]:
    command = [sys.executable, "-I", child, "--job", job]
    command += [f"--code={path}" for path in code_paths]
    command += [f"--read-root={root}" for root in [*read_roots, *_SYSTEM_READ_ROOTS]]
    return [*command, "--no-guard"] if not guard else command


def _interpreter_roots() -> list[str]:
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    return sorted(prefixes | {os.path.realpath(prefix) for prefix in prefixes})


def _system_mounts(tmp_bytes: int) -> list[str]:
    mounts = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/lib", "/lib64", "/sbin"):
        if os.path.islink(top):
            mounts += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            mounts += ["--ro-bind", top, top]
    mounts += ["--proc", "/proc", "--dev", "/dev"]
    mounts += ["--size", str(tmp_bytes), "--tmpfs", "/tmp"]  # noqa: S108 - fresh, empty, bounded
    # After the tmpfs: an interpreter or virtualenv that lives under /tmp must stay visible.
    for root in _interpreter_roots():
        if not root.startswith("/usr/"):
            mounts += ["--ro-bind", root, root]
    return mounts


def _bwrap_executable() -> str:
    executable = shutil.which("bwrap")
    if executable is None:
        raise SandboxUnavailableError("bubblewrap (bwrap) is not installed")
    return executable
