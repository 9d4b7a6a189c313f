"""Whether the bubblewrap tests run. Where bwrap cannot run they are skipped on a developer's
machine; in CI (``CI=true``) that is a failure, since a skip there would let the sandbox's strong
mode go untested while the run still looks green."""

from __future__ import annotations

import os

import pytest

from worker.sandbox import bwrap_available

CANNOT_RUN = "bubblewrap cannot run here (apt-get install bubblewrap; containers may forbid it)"


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_bwrap() -> None:
    """Returns if bwrap runs; otherwise fails the test in CI and skips it elsewhere."""
    if bwrap_available():
        return
    if running_in_ci():
        pytest.fail(f"{CANNOT_RUN}, and CI (CI=true) must run the bwrap tests", pytrace=False)
    pytest.skip(CANNOT_RUN)
