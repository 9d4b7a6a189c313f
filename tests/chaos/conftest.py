"""Fault tests on real processes (``make chaos``). Deselected unless ``--chaos`` is given (or
``VENTRAL_CHAOS=1``), so ``make test`` never runs them. They start their own Redis and PostgreSQL
servers on free loopback ports and stop, kill and restart only those."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from foundation.config import Settings
from tests.app.services import make_settings
from tests.chaos.servers import PostgresCluster, RedisServer, install_completion_ledger

CHAOS_TIMINGS = {"job_resend_after_seconds": 8.0, "job_max_attempts": 4}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--chaos", action="store_true", help="run the fault tests in tests/chaos")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "chaos: kills and restarts real processes (make chaos)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _chaos_enabled(config):
        return
    chaos = [item for item in items if item.get_closest_marker("chaos")]
    if chaos:
        config.hook.pytest_deselected(items=chaos)
        items[:] = [item for item in items if not item.get_closest_marker("chaos")]


def _chaos_enabled(config: pytest.Config) -> bool:
    try:
        flag = bool(config.getoption("--chaos"))
    except ValueError:  # the option exists only when tests/chaos is named on the command line
        flag = False
    return flag or os.environ.get("VENTRAL_CHAOS") == "1"


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_cluster() -> Iterator[PostgresCluster]:
    # Not under pytest's tmp folder: the postgres user cannot enter root's private folders.
    folder = Path(tempfile.mkdtemp(prefix="ventral-chaos-pg-"))
    cluster = PostgresCluster(folder)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def chaos_settings(
    tmp_path: Path, redis_server: RedisServer, postgres_cluster: PostgresCluster
) -> Settings:
    """Settings on this test's own servers; the schema built by the migrations, plus a ledger of
    every job completion written by a trigger (independent of the application's own records)."""
    url = postgres_cluster.create_database("ventral")
    install_completion_ledger(url)
    return make_settings(tmp_path, url, redis_server.url, **CHAOS_TIMINGS)
