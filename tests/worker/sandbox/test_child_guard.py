"""The child's audit-hook guard, called directly (no hook installed in the test process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from worker.sandbox.child import (
    EXIT_FILE_ACCESS,
    EXIT_NETWORK,
    Guard,
    SandboxViolation,
)

CHILD_MODULE = Path(__file__).resolve().parents[3] / "worker" / "sandbox" / "child.py"


@pytest.fixture
def guard(tmp_path: Path) -> Guard:
    (tmp_path / "job").mkdir()
    (tmp_path / "code").mkdir()
    return Guard(str(tmp_path / "job"), [str(tmp_path / "code")])


def test_reads_inside_the_allowed_roots_pass(guard: Guard, tmp_path: Path) -> None:
    guard("open", (str(tmp_path / "job" / "inputs.npy"), "rb", os.O_RDONLY))
    guard("open", (str(tmp_path / "code" / "module.py"), "r", os.O_RDONLY))
    guard("open", (3, "rb", os.O_RDONLY))  # an already open descriptor
    assert guard.violations == []


def test_writes_only_inside_the_job_folder(guard: Guard, tmp_path: Path) -> None:
    guard("open", (str(tmp_path / "job" / "out.npy"), "wb", os.O_WRONLY))
    with pytest.raises(SandboxViolation, match=r"tried to write .*module\.py"):
        guard("open", (str(tmp_path / "code" / "module.py"), None, os.O_WRONLY | os.O_CREAT))


def test_symlink_out_of_the_job_folder_is_resolved(guard: Guard, tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("x")
    (tmp_path / "job" / "link").symlink_to(tmp_path / "secret")
    with pytest.raises(SandboxViolation) as caught:
        guard("open", (str(tmp_path / "job" / "link"), "r", os.O_RDONLY))
    assert caught.value.exit_code == EXIT_FILE_ACCESS


def test_prefix_lookalike_folder_is_outside(guard: Guard, tmp_path: Path) -> None:
    (tmp_path / "job-other").mkdir()
    with pytest.raises(SandboxViolation, match=r"outside its job folder"):
        guard("os.listdir", (str(tmp_path / "job-other"),))


def test_network_events_are_refused_and_remembered(guard: Guard) -> None:
    with pytest.raises(SandboxViolation) as caught:
        guard("socket.connect", (None, ("127.0.0.1", 5432)))
    assert caught.value.exit_code == EXIT_NETWORK
    assert len(guard.violations) == 1


def test_disarm_removes_every_reference_to_fork_exec(tmp_path: Path) -> None:
    probe = f"""
import runpy, subprocess, sys
child = runpy.run_path({str(CHILD_MODULE)!r})
assert "_posixsubprocess" in sys.modules
child["disarm_unaudited_modules"]()
sys.addaudithook(child["Guard"]({str(tmp_path)!r}, []))
assert not hasattr(subprocess, "_fork_exec") and not hasattr(subprocess, "_posixsubprocess")
assert not any(getattr(m, "fork_exec", None) for m in list(sys.modules.values()))
try:
    import _posixsubprocess
except PermissionError as error:
    print("refused:", error)
"""
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "refused: the model tried to import _posixsubprocess" in result.stdout
