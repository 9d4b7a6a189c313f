"""Load test of the leaderboard: p50 / p99 latency of ``GET /api/v1/leaderboard`` and ``/``.

For each size (``--models``, default 1,000 and 10,000) × 30 benchmarks: seeds a throw-away
PostgreSQL database (the benchmark catalogue of the tree plus extra rows flagged ``synthetic`` to
reach 30; every score a random number, SYNTHETIC, only there to load the tables), serves the app
with uvicorn (``--workers`` processes, default 1) on ``--port`` (default: a free loopback port) in
a subprocess, and fires requests from ``--clients`` concurrent aiohttp clients on uvloop
(default 50, in this process, on the same machine) for ``--seconds`` per path and phase: first
reads only, then reads while scores are being rewritten (``--writes-per-s`` UPDATEs of a random
score, each its own transaction). Every response must be 200. The database is dropped afterwards.

Wall-clock latencies on a loaded machine measure the machine; the server's own CPU time (its
process and children, from /proc) per request does not: it is reported for ``--sequential``
one-at-a-time warm requests of each path (the cost of one request) and for each load phase.

``--commit REV`` serves the app of an earlier commit instead (exported with ``git archive`` into a
temporary folder; the database is still migrated by this checkout): the "before" of a change.

    PYTHONPATH=. python bench/leaderboard_load.py --models 1000 10000 --seconds 10
    PYTHONPATH=. python bench/leaderboard_load.py --models 1000 10000 --seconds 10 --commit 2ef161a
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import httpx
import psycopg
import sqlalchemy as sa
import uvloop
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.published.service import seed_benchmarks
from foundation import migrations
from foundation.db import create_db_engine
from foundation.models import Benchmark, Model, Score, ScoreStatus, Source, utcnow

REPO_ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get(
    "VENTRAL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DEFAULT_PATHS = ["/api/v1/leaderboard", "/"]
FAMILIES = ("resnet", "densenet", "cornet", "vgg", "mobilenet", "inception")


@contextmanager
def scratch_database() -> Iterator[str]:
    name = f"ventral_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(url: str, n_models: int, n_benchmarks: int, seed_value: int = 0) -> None:
    migrations.upgrade(url)
    factory = sessionmaker(create_db_engine(url))
    with factory() as session:
        # Seeding only: no board-version triggers for 300,000 rows (a superuser's setting; the
        # server starts afterwards and reads everything anyway).
        session.execute(sa.text("SET session_replication_role = replica"))
        benchmarks = _benchmarks(session, n_benchmarks)
        model_ids = _models(session, n_models, random.Random(seed_value))
        _scores(session, model_ids, benchmarks, random.Random(seed_value + 1))
        session.commit()
    factory.kw["bind"].dispose()


def _benchmarks(session: Session, count: int) -> list[Benchmark]:
    rows = seed_benchmarks(session)
    leaves = [row for row in rows.values() if row.metric != "mean of children"]
    for index in range(max(0, count - len(leaves))):
        extra = Benchmark(
            identifier=f"LoadTest-{index:02d}",
            synthetic=True,
            description="SYNTHETIC benchmark row of the load test",
        )
        session.add(extra)
        leaves.append(extra)
    session.flush()
    return leaves[:count]


def _models(session: Session, count: int, rng: random.Random) -> list[int]:
    values = [
        {
            "name": f"load-model-{i:04d}",
            "format": "builtin",
            "source": Source.computed,
            "model_metadata": {
                "family": rng.choice(FAMILIES),
                "depth": rng.randint(4, 200),
                "parameter_count": rng.randint(10**6, 10**8),
            },
        }
        for i in range(count)
    ]
    session.execute(sa.insert(Model), values)
    return list(session.scalars(sa.select(Model.id).order_by(Model.id)))


def _scores(
    session: Session, model_ids: list[int], benchmarks: list[Benchmark], rng: random.Random
) -> None:
    now = utcnow()
    rows = []
    for model_id in model_ids:
        for benchmark in benchmarks:
            raw = rng.uniform(0.1, 0.8)
            rows.append(
                {
                    "model_id": model_id,
                    "benchmark_id": benchmark.id,
                    "raw": raw,
                    "ceiled": raw / 0.85,
                    "ceiling": 0.85,
                    "error": rng.uniform(0, 0.02),
                    "status": ScoreStatus.succeeded,
                    "source": Source.computed,
                    "finished_at": now,
                    "details": {},
                }
            )
    session.execute(sa.insert(Score), rows)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def app_root(commit: str | None) -> Iterator[Path]:
    """This checkout, or ``commit`` exported into a temporary folder."""
    if commit is None:
        yield REPO_ROOT
        return
    with tempfile.TemporaryDirectory(prefix="ventral-before-") as folder:
        archive = subprocess.run(
            ["git", "archive", commit], cwd=REPO_ROOT, check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        yield Path(folder)


def server_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of the process ``pid`` and its children (uvicorn's workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


@contextmanager
def served(url: str, workers: int, port: int, root: Path) -> Iterator[tuple[str, int]]:
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENTRAL_")}
    env.update(
        VENTRAL_ENVIRONMENT="test",
        VENTRAL_SECRET_KEY=uuid.uuid4().hex,
        VENTRAL_DATABASE_URL=url,
        VENTRAL_BROKER_URL="redis://127.0.0.1:6379/15",
        VENTRAL_FIRST_RUN="false",
        PYTHONPATH=str(root),
    )
    command = [
        sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--host",
        "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_up(base)
            yield base, process.pid
        finally:
            process.terminate()
            process.wait(30)
            log.seek(0)
            text = log.read().strip()
            if text:
                print(f"server log (last 3,000 characters):\n{text[-3000:]}")


def _wait_up(base: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            # Up once the database answers (no worker runs here: /healthz says "degraded").
            if httpx.get(f"{base}/healthz", timeout=2).json()["database"] == "ok":
                return
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not come up")


class Writer:
    """Rewrites a random score ``per_s`` times a second, one transaction each, in a thread."""

    def __init__(self, url: str, per_s: float) -> None:
        self.engine = create_db_engine(url)
        self.per_s = per_s
        self.writes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        with self.engine.connect() as connection:
            self.ids = list(connection.execute(sa.select(Score.id)).scalars())

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(30)
        self.engine.dispose()

    def _run(self) -> None:
        rng = random.Random(7)
        while not self._stop.wait(1 / self.per_s):
            raw = rng.uniform(0.1, 0.8)
            with self.engine.begin() as connection:
                connection.execute(
                    sa.update(Score)
                    .where(Score.id == rng.choice(self.ids))
                    .values(raw=raw, ceiled=raw / 0.85, finished_at=utcnow())
                )
            self.writes += 1


async def measure(base: str, path: str, clients: int, seconds: float) -> tuple[list[float], int]:
    """Latencies (s) of GETs of ``path`` by ``clients`` concurrent loops for ``seconds``, and
    how many answers were not 200.

    aiohttp on uvloop, not httpx: the clients share the server's two cores, and httpx's
    asyncio client spent ~2.6 ms of CPU per request here (the server ~0.3 ms), so with it the
    bench measured its own clients (p99 ~650 ms while the server idled at a third of a core)."""
    latencies: list[float] = []
    errors = 0
    deadline = 0.0

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                async with session.get(path) as response:
                    await response.read()
                    errors += response.status != 200
            except aiohttp.ClientError as error:  # counted, and the server's log is shown
                errors += 1
                print(f"{path}: {type(error).__name__} {error}", flush=True)
            latencies.append(time.perf_counter() - start)

    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as session:
        async with session.get(path) as response:  # warm-up at the timed size
            await response.read()
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(client(session) for _ in range(clients)))
    return latencies, errors


def wait_idle(pid: int, timeout: float = 180) -> None:
    """Until the server's start-up work (building and warming its board) is done: below 5% of
    a CPU in three half-seconds in a row (the build also waits on PostgreSQL)."""
    deadline, idle = time.monotonic() + timeout, 0
    while time.monotonic() < deadline and idle < 3:
        before = server_cpu_s(pid)
        time.sleep(0.5)
        idle = idle + 1 if server_cpu_s(pid) - before < 0.025 else 0


def sequential_cost(base: str, path: str, pid: int, count: int) -> dict[str, float]:
    """Server CPU and wall time per request of ``count`` warm requests made one at a time."""
    with httpx.Client(base_url=base, timeout=120) as client:
        for _ in range(5):
            client.get(path).raise_for_status()
        cpu, wall = server_cpu_s(pid), time.perf_counter()
        for _ in range(count):
            client.get(path).raise_for_status()
        wall, cpu = time.perf_counter() - wall, server_cpu_s(pid) - cpu
    return {
        "sequential_cpu_ms": round(cpu / count * 1000, 2),
        "sequential_wall_ms": round(wall / count * 1000, 2),
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(latencies: list[float], errors: int, elapsed: float) -> dict[str, float]:
    return {
        "requests": len(latencies),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--benchmarks", type=int, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0, help="per path and phase")
    parser.add_argument("--writes-per-s", type=float, default=5.0, help="0: no write phase")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--port", type=int, default=0, help="0: a free loopback port")
    parser.add_argument("--paths", nargs="+", default=DEFAULT_PATHS)
    parser.add_argument(
        "--sequential", type=int, default=200, help="one-at-a-time requests per path for CPU/req"
    )
    parser.add_argument("--commit", help="serve this earlier commit's app (git archive)")
    args = parser.parse_args()
    served_code = f"commit {args.commit}" if args.commit else "this checkout"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at start; server, clients and PostgreSQL on this machine"
    )
    print(
        f"serving {served_code}; {args.workers} uvicorn worker(s), {args.clients} concurrent "
        f"clients, {args.seconds:g} s per path and phase; SYNTHETIC scores"
    )
    results = []
    with app_root(args.commit) as root:
        for n_models in args.models:
            results += _one_size(args, n_models, root)
    print(json.dumps({"kind": "leaderboard_load", "served": served_code, "results": results}))


def _one_size(args: argparse.Namespace, n_models: int, root: Path) -> list[dict[str, object]]:
    results: list[dict[str, object]] = []
    with scratch_database() as url:
        start = time.perf_counter()
        seed(url, n_models, args.benchmarks)
        seeded = time.perf_counter() - start
        print(f"{n_models} models x {args.benchmarks} benchmarks seeded in {seeded:.1f} s")
        with served(url, args.workers, args.port, root) as (base, pid):
            wait_idle(pid)
            for path in args.paths:
                cost = sequential_cost(base, path, pid, args.sequential)
                cpu_ms, wall_ms = cost["sequential_cpu_ms"], cost["sequential_wall_ms"]
                print(
                    f"{n_models:6d} models  one at a time {path:<22} server CPU {cpu_ms:6.2f} "
                    f"ms/req  wall {wall_ms:6.2f} ms/req  load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
                results.append({"models": n_models, "phase": "sequential", "path": path} | cost)
            phases = [("reads", 0.0)] + [("reads+writes", args.writes_per_s)] * (
                args.writes_per_s > 0
            )
            for phase, rate in phases:
                for path in args.paths:
                    writer = Writer(url, rate) if rate else None
                    with writer or _nothing():
                        start, cpu = time.perf_counter(), server_cpu_s(pid)
                        latencies, errors = uvloop.run(
                            measure(base, path, args.clients, args.seconds)
                        )
                        elapsed, cpu = time.perf_counter() - start, server_cpu_s(pid) - cpu
                    figures = summary(latencies, errors, elapsed)
                    figures["server_cpu_ms"] = round(cpu / max(1, len(latencies)) * 1000, 2)
                    writes = writer.writes if writer else 0
                    print(
                        f"{n_models:6d} models  {phase:<13} {path:<22} n={figures['requests']:5d}"
                        f"  p50 {figures['p50_ms']:8.1f} ms  p99 {figures['p99_ms']:8.1f} ms  "
                        f"{figures['requests_per_s']:6.1f} req/s  errors {errors}  server CPU "
                        f"{figures['server_cpu_ms']:.2f} ms/req  load {os.getloadavg()[0]:.1f}"
                        + (f"  ({writes} score writes)" if writer else ""),
                        flush=True,
                    )
                    results.append(
                        {"models": n_models, "phase": phase, "path": path, "writes": writes}
                        | figures
                    )
    return results


@contextmanager
def _nothing() -> Iterator[None]:
    yield


if __name__ == "__main__":
    main()
