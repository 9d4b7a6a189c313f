"""Fault tests on real processes. ``make chaos`` runs them all (``--chaos`` or ``VENTRAL_CHAOS=1``);
``make test`` runs only the bounded subset marked ``chaos_smoke`` (one worker killed mid-job, one
broker restart). They start their own Redis server, and their own PostgreSQL cluster when they stop
PostgreSQL, on free loopback ports, and stop, kill and restart only those."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from foundation import migrations
from foundation.config import Settings
from tests.app.services import make_settings, temporary_postgres_database
from tests.chaos.servers import PostgresCluster, RedisServer, install_completion_ledger

CHAOS_TIMINGS = {"job_resend_after_seconds": 8.0, "job_max_attempts": 4}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--chaos", action="store_true", help="run all the fault tests in tests/chaos")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "chaos: kills and restarts real processes (make chaos)")
    config.addinivalue_line("markers", "chaos_smoke: a fault test that make test runs too")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _chaos_enabled(config):
        return
    left_out = [item for item in items if _chaos_only(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not _chaos_only(item)]


def _chaos_only(item: pytest.Item) -> bool:
    return bool(item.get_closest_marker("chaos")) and not item.get_closest_marker("chaos_smoke")


def _chaos_enabled(config: pytest.Config) -> bool:
    try:
        flag = bool(config.getoption("--chaos"))
    except ValueError:  # the option exists only when tests/chaos is named on the command line
        flag = False
    return flag or os.environ.get("VENTRAL_CHAOS") == "1"


@pytest.fixture
def full_chaos(request: pytest.FixtureRequest) -> bool:
    """True under ``make chaos``. The smoke run in ``make test`` makes the same faults on fewer
    jobs, to stay within a minute."""
    return _chaos_enabled(request.config)


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
def chaos_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """The test's database, built by the migrations: on a PostgreSQL cluster of its own when the
    test stops PostgreSQL (it asks for ``postgres_cluster``), else a fresh database on the tests'
    shared server (no initdb, no root needed)."""
    if "postgres_cluster" in request.fixturenames:
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        yield cluster.create_database("ventral")
        return
    with temporary_postgres_database("ventral_chaos") as url:
        migrations.upgrade(url)
        yield url


@pytest.fixture
def chaos_settings(tmp_path: Path, redis_server: RedisServer, chaos_database: str) -> Settings:
    """Settings on this test's own servers, plus a ledger of every job completion written by a
    trigger (independent of the application's own records)."""
    install_completion_ledger(chaos_database)
    return make_settings(tmp_path, chaos_database, redis_server.url, **CHAOS_TIMINGS)
