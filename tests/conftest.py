"""Fixtures every test area may use. Area-specific fixtures live in that area's conftest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

# The first run queues training jobs; no test wants that unless it asks for it explicitly.
os.environ.setdefault("VENTRAL_FIRST_RUN", "false")


def shared_data_path() -> Path:
    """Where the read-only real data (../shared/data) lies; VENTRAL_SHARED_DATA overrides."""
    configured = os.environ.get("VENTRAL_SHARED_DATA")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_path()
    if not path.is_dir():
        pytest.fail(f"real data folder not found at {path}; set VENTRAL_SHARED_DATA")
    return path
