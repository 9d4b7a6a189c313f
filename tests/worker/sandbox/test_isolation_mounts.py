"""The bubblewrap mount list: later mounts shadow earlier ones, so order matters."""

from __future__ import annotations

from pathlib import Path

from worker.sandbox import SandboxLimits, isolation


def test_interpreter_under_tmp_is_bound_after_the_tmp_tmpfs(monkeypatch) -> None:
    # A CI clone (and its virtualenv) under /tmp was hidden by the fresh /tmp tmpfs.
    monkeypatch.setattr(isolation, "_interpreter_roots", lambda: ["/tmp/clone/.venv"])
    mounts = isolation._system_mounts(64 * 1024**2)
    tmpfs_at = mounts.index("--tmpfs")
    venv_at = mounts.index("/tmp/clone/.venv")
    assert mounts[tmpfs_at + 1] == "/tmp"
    assert venv_at > tmpfs_at


def test_job_folder_is_the_only_writable_bind(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(isolation, "_bwrap_executable", lambda: "bwrap")
    command = isolation._bwrap_command(tmp_path, [], SandboxLimits())
    writable = [command[i + 1] for i, flag in enumerate(command) if flag == "--bind"]
    assert writable == [str(tmp_path)]
