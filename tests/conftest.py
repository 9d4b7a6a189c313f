"""Fixtures every test area may use. Area-specific fixtures live in that area's conftest."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from scoring.data.build import ensure_built
from scoring.data.sources import DataUnavailable, fetch_source, list_sources

REPO_ROOT = Path(__file__).resolve().parents[1]
# Fetched sources and built data persist between test runs (the checksums keep them honest).
TEST_DATA_CACHE = Path(os.environ.get("VENTRAL_TEST_DATA_CACHE") or REPO_ROOT / "var" / "test-data")

# The first run queues training jobs; no test wants that unless it asks for it explicitly.
os.environ.setdefault("VENTRAL_FIRST_RUN", "false")


def data_mirror() -> str | None:
    """The data step's mirror for the tests: the same VENTRAL_DATA_MIRROR the service reads."""
    return os.environ.get("VENTRAL_DATA_MIRROR") or None


def fetch_test_source(name: str) -> Path:
    """A source folder through the project's data step, or one clear failure."""
    try:
        return fetch_source(name, TEST_DATA_CACHE / "sources", data_mirror(), progress=False)
    except DataUnavailable as error:
        pytest.fail(f"offline data {name!r} unavailable: {error}", pytrace=False)


def pytest_sessionstart(session: pytest.Session) -> None:
    """One sentence instead of dozens of errors when the data cannot be had at all."""
    if data_mirror() is not None:
        return
    mirror_only = [
        source.name
        for source in list_sources().values()
        if any(file.url is None for file in source.files)
        and not (TEST_DATA_CACHE / "sources" / source.name).is_dir()
    ]
    if mirror_only:
        pytest.exit(
            f"the offline data {', '.join(mirror_only)} come from a mirror only: set "
            "VENTRAL_DATA_MIRROR to a folder or URL holding them (docs/data.md)",
            returncode=4,
        )


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def data_source() -> Callable[[str], Path]:
    """``data_source("cifar10")``: the folder of a fetched, verified source."""
    return fetch_test_source


@pytest.fixture(scope="session")
def built_data() -> Callable[[str], Path]:
    """``built_data("kriegeskorte2008")``: the folder holding a data build's outputs."""

    def build(name: str) -> Path:
        try:
            folders = ensure_built(
                [name],
                data_dir=TEST_DATA_CACHE / "built",
                cache_dir=TEST_DATA_CACHE / "sources",
                mirror=data_mirror(),
                progress=False,
            )
        except DataUnavailable as error:
            pytest.fail(f"offline data build {name!r} unavailable: {error}", pytrace=False)
        return folders[name]

    return build
