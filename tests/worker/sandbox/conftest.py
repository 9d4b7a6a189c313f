"""Job folders and isolation modes for the sandbox tests (synthetic images, no real data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.worker.sandbox.bwrap import require_bwrap
from worker.sandbox import SandboxLimits, write_inputs

FAST_LIMITS = SandboxLimits(wall_seconds=30, cpu_seconds=30, memory_bytes=2 * 1024**3)
IMAGE_COUNT = 3


@pytest.fixture
def job_dir(tmp_path: Path) -> Path:
    job = tmp_path / "job"
    job.mkdir()
    images = np.random.default_rng(0).random((IMAGE_COUNT, 3, 32, 32), dtype=np.float32)
    write_inputs(job, images)
    return job


@pytest.fixture(params=["bwrap", "plain"])
def mode_limits(request: pytest.FixtureRequest) -> SandboxLimits:
    if request.param == "bwrap":
        require_bwrap()
    return SandboxLimits(
        wall_seconds=FAST_LIMITS.wall_seconds,
        cpu_seconds=FAST_LIMITS.cpu_seconds,
        memory_bytes=FAST_LIMITS.memory_bytes,
        mode=request.param,
    )


@pytest.fixture
def bwrap_runs() -> None:
    """For tests of the bwrap mode itself: skipped where bwrap cannot run, failed so in CI."""
    require_bwrap()


@pytest.fixture
def tiny_zoo() -> Path:
    return Path(__file__).with_name("tiny_zoo")
