"""Deliberately hostile code run through the same runner as models (ONNX itself cannot do this)."""

from __future__ import annotations

import dataclasses
import os
import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from worker.sandbox import (
    SandboxCpuTimeError,
    SandboxFileSizeError,
    SandboxLimits,
    SandboxMemoryError,
    SandboxModelError,
    SandboxOutputError,
    SandboxTimeoutError,
    SandboxViolationError,
    ScriptSpec,
    run_in_sandbox,
)


def _script(job_dir: Path, body: str, outputs: tuple[str, ...] = ("out",)) -> ScriptSpec:
    (job_dir / "model.py").write_text(textwrap.dedent(body))
    return ScriptSpec(script_file="model.py", outputs={key: key for key in outputs})


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    yield server
    server.close()


def _nobody_connected(server: socket.socket) -> bool:
    try:
        server.accept()[0].close()
    except BlockingIOError:
        return True
    return False


def _connect_script(job_dir: Path, port: int) -> ScriptSpec:
    return _script(
        job_dir,
        f"""
        import socket
        def forward(images):
            socket.create_connection(("127.0.0.1", {port}), timeout=5).sendall(b"stolen")
            return {{"out": images}}
    """,
    )


def test_socket_to_localhost_is_refused(
    job_dir: Path, mode_limits: SandboxLimits, listener: socket.socket
) -> None:
    spec = _connect_script(job_dir, listener.getsockname()[1])
    with pytest.raises(SandboxViolationError, match=r"tried to open a network connection"):
        run_in_sandbox(job_dir, spec, mode_limits)
    assert _nobody_connected(listener)


@pytest.mark.usefixtures("bwrap_runs")
def test_bwrap_blocks_the_network_even_without_the_guard(
    job_dir: Path, listener: socket.socket
) -> None:
    spec = _connect_script(job_dir, listener.getsockname()[1])
    limits = SandboxLimits(wall_seconds=30, mode="bwrap", guard=False)
    with pytest.raises(SandboxModelError, match=r"ConnectionRefusedError|unreachable"):
        run_in_sandbox(job_dir, spec, limits)
    assert _nobody_connected(listener)


def _read_script(job_dir: Path, target: Path) -> ScriptSpec:
    return _script(
        job_dir,
        f"""
        import numpy as np
        def forward(images):
            secret = open({str(target)!r}, "rb").read()
            return {{"out": np.frombuffer(secret[:4].ljust(4), dtype=np.float32).reshape(1, 1)}}
    """,
    )


@pytest.fixture
def outside_secret(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("TOP-SECRET")
    return secret


def test_reading_a_file_outside_the_job_folder_is_refused(
    job_dir: Path, mode_limits: SandboxLimits, outside_secret: Path
) -> None:
    refused = r"tried to read .*secret\.txt.* outside"
    with pytest.raises(SandboxViolationError, match=refused) as caught:
        run_in_sandbox(job_dir, _read_script(job_dir, outside_secret), mode_limits)
    assert "TOP-SECRET" not in str(caught.value)


def test_reading_etc_passwd_is_refused(job_dir: Path, mode_limits: SandboxLimits) -> None:
    with pytest.raises(SandboxViolationError, match=r"tried to read '/etc/passwd'") as caught:
        run_in_sandbox(job_dir, _read_script(job_dir, Path("/etc/passwd")), mode_limits)
    assert "root:" not in str(caught.value)


@pytest.mark.usefixtures("bwrap_runs")
def test_bwrap_hides_outside_files_even_without_the_guard(
    job_dir: Path, outside_secret: Path
) -> None:
    limits = SandboxLimits(wall_seconds=30, mode="bwrap", guard=False)
    for target in (outside_secret, Path("/etc/passwd")):
        with pytest.raises(SandboxModelError, match=r"FileNotFoundError"):
            run_in_sandbox(job_dir, _read_script(job_dir, target), limits)


def test_starting_a_process_is_refused(job_dir: Path, mode_limits: SandboxLimits) -> None:
    spec = _script(
        job_dir,
        """
        import os
        def forward(images):
            os.system("touch spawned")
            return {"out": images}
    """,
    )
    with pytest.raises(SandboxViolationError, match=r"start or control a process \(os\.system\)"):
        run_in_sandbox(job_dir, spec, mode_limits)
    assert not (job_dir / "spawned").exists()


def test_no_credentials_reach_the_child(
    job_dir: Path, mode_limits: SandboxLimits, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VENTRAL_SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/ventral")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    spec = _script(
        job_dir,
        """
        import os
        import numpy as np
        def forward(images):
            leaked = [k for k in os.environ if "VENTRAL" in k or "DATABASE" in k or "REDIS" in k]
            return {"out": np.full((len(images), 1), float(len(leaked)) + len(os.environ) / 1000)}
    """,
    )
    result = run_in_sandbox(job_dir, spec, mode_limits)
    leaked_count = int(result.activations["out"][0, 0])
    assert leaked_count == 0
    assert 0 < result.activations["out"][0, 0] < 0.05  # a handful of variables did arrive


def test_memory_limit(job_dir: Path, mode_limits: SandboxLimits) -> None:
    spec = _script(
        job_dir,
        """
        def forward(images):
            hog = bytearray(3 * 1024 ** 3)
            return {"out": images}
    """,
    )
    limits = dataclasses.replace(mode_limits, memory_bytes=1024**3)
    with pytest.raises(SandboxMemoryError, match=r"memory limit 1 GiB exceeded"):
        run_in_sandbox(job_dir, spec, limits)


def test_wall_clock_limit_kills_the_process(job_dir: Path, mode_limits: SandboxLimits) -> None:
    spec = _script(
        job_dir,
        """
        import os, time
        def forward(images):
            open("pid", "w").write(str(os.getpid()))
            time.sleep(600)
    """,
    )
    limits = dataclasses.replace(mode_limits, wall_seconds=2)
    with pytest.raises(SandboxTimeoutError, match=r"forward pass exceeded 2 s"):
        run_in_sandbox(job_dir, spec, limits)
    if mode_limits.mode == "plain":
        with pytest.raises(ProcessLookupError):
            os.kill(int((job_dir / "pid").read_text()), 0)


def test_cpu_time_limit(job_dir: Path) -> None:
    spec = _script(
        job_dir,
        """
        def forward(images):
            while True:
                pass
    """,
    )
    limits = SandboxLimits(wall_seconds=30, cpu_seconds=1)
    with pytest.raises(SandboxCpuTimeError, match=r"CPU time limit of 1 s exceeded"):
        run_in_sandbox(job_dir, spec, limits)


def test_symlinked_output_is_not_followed(job_dir: Path, outside_secret: Path) -> None:
    spec = _script(
        job_dir,
        f"""
        import os
        def forward(images):
            os.symlink({str(outside_secret)!r}, "activations.safetensors")
            os._exit(0)
    """,
    )
    limits = SandboxLimits(wall_seconds=30, mode="plain", guard=False)
    with pytest.raises(SandboxOutputError, match=r"cannot be opened safely"):
        run_in_sandbox(job_dir, spec, limits)


def test_non_finite_outputs_are_refused(job_dir: Path, mode_limits: SandboxLimits) -> None:
    spec = _script(
        job_dir,
        """
        import numpy as np
        def forward(images):
            return {"out": np.full((len(images), 4), np.nan)}
    """,
    )
    with pytest.raises(SandboxOutputError, match=r"output out: contains NaN"):
        run_in_sandbox(job_dir, spec, mode_limits)


def test_undeclared_shapes_and_keys_are_refused(job_dir: Path) -> None:
    spec = _script(
        job_dir,
        """
        import numpy as np
        def forward(images):
            return {"out": np.zeros((len(images), 5))}
    """,
    )
    declared = spec.model_copy(update={"expected_shapes": {"out": (None, 4)}})
    with pytest.raises(SandboxOutputError, match=r"expected shape \(any, 4\), got \(3, 5\)"):
        run_in_sandbox(job_dir, declared, SandboxLimits(mode="plain"))
    renamed = spec.model_copy(update={"outputs": {"IT": "IT"}})
    with pytest.raises(SandboxOutputError, match=r"expected activations \['IT'\]"):
        run_in_sandbox(job_dir, renamed, SandboxLimits(mode="plain"))


def test_a_crashing_model_reports_its_error(job_dir: Path) -> None:
    spec = _script(
        job_dir,
        """
        def forward(images):
            raise ValueError("layer IT.output: expected 512 channels, got 256")
    """,
    )
    expected = r"the model failed: ValueError: layer IT\.output: expected 512 channels, got 256"
    with pytest.raises(SandboxModelError, match=expected):
        run_in_sandbox(job_dir, spec, SandboxLimits(mode="plain"))


def test_native_calls_through_ctypes_are_refused(job_dir: Path, mode_limits: SandboxLimits) -> None:
    spec = _script(
        job_dir,
        """
        import ctypes
        def forward(images):
            ctypes.CDLL(None).getpid()
            return {"out": images}
    """,
    )
    with pytest.raises(SandboxViolationError, match=r"tried to call native code \(ctypes\."):
        run_in_sandbox(job_dir, spec, mode_limits)


def test_file_size_limit(job_dir: Path) -> None:
    spec = _script(
        job_dir,
        """
        def forward(images):
            with open("filler.bin", "wb") as handle:
                handle.write(b"x" * 2 * 1024 * 1024)
    """,
    )
    limits = SandboxLimits(wall_seconds=30, file_bytes=1024 * 1024)
    with pytest.raises(SandboxFileSizeError, match=r"larger than the limit of 1,048,576 bytes"):
        run_in_sandbox(job_dir, spec, limits)


def test_unaudited_process_spawning_is_unreachable(
    job_dir: Path, mode_limits: SandboxLimits, tmp_path: Path
) -> None:
    """``_posixsubprocess.fork_exec`` raises no audit event; the child removes it beforehand."""
    marker = tmp_path / "spawned-by-fork-exec"
    spec = _script(
        job_dir,
        f"""
        import os, sys
        def forward(images):
            module = sys.modules.get("_posixsubprocess")
            if module is None:
                import _posixsubprocess as module
            read_end, write_end = os.pipe()
            module.fork_exec(
                [b"/usr/bin/touch", {str(marker).encode()!r}], [b"/usr/bin/touch"], True,
                (write_end,), None, None, -1, -1, -1, -1, -1, -1, read_end, write_end,
                False, False, -1, None, None, None, -1, None, False,
            )
            return {{"out": images}}
    """,
    )
    with pytest.raises(SandboxViolationError, match=r"tried to import _posixsubprocess"):
        run_in_sandbox(job_dir, spec, mode_limits)
    assert not marker.exists()


def _limits_script(job_dir: Path) -> ScriptSpec:
    return _script(
        job_dir,
        """
        import os
        import numpy as np
        def forward(images):
            with open("/proc/self/limits") as limits:
                line = next(row for row in limits if row.startswith("Max processes"))
            tmp = os.statvfs("/tmp")
            values = [float(line.split()[2]), float(tmp.f_blocks * tmp.f_frsize)]
            return {"out": np.tile(np.asarray(values, dtype=np.float32), (len(images), 1))}
    """,
    )


def test_processes_are_limited_per_sandbox_under_bwrap(job_dir: Path, bwrap_runs: None) -> None:
    limits = SandboxLimits(wall_seconds=30, mode="bwrap", processes=12, tmp_bytes=8 * 1024**2)
    result = run_in_sandbox(job_dir, _limits_script(job_dir), limits)
    max_processes, tmp_size = result.activations["out"][0]
    assert max_processes == 12  # counted in the sandbox's own user namespace
    assert tmp_size == 8 * 1024**2  # /tmp is a tmpfs of that size


def test_processes_are_limited_in_plain_mode_too(job_dir: Path) -> None:
    limits = SandboxLimits(wall_seconds=30, mode="plain", processes=12)
    result = run_in_sandbox(job_dir, _limits_script(job_dir), limits)
    max_processes = result.activations["out"][0][0]
    # The kernel counts every task of the worker's user here: what ran already, plus 12.
    assert 12 < max_processes < 12 + 100_000
