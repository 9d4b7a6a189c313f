"""Load test of the leaderboard: p50 / p99 latency of ``/`` and ``GET /api/v1/leaderboard``.

Seeds a throw-away PostgreSQL database with 1,000 models × 30 benchmarks of scores (the
benchmark catalogue of the tree plus extra rows flagged ``synthetic`` to reach 30; every score is
a random number, SYNTHETIC, only there to load the tables), serves the app with uvicorn on a free
loopback port in a subprocess, and fires requests from concurrent asyncio httpx clients.
The database is dropped afterwards.

    PYTHONPATH=. python bench/leaderboard_load.py --models 1000 --benchmarks 30 \
        --clients 8 --requests 200
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
import sqlalchemy as sa
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
DEFAULT_PATHS = [
    "/api/v1/leaderboard?preset=paper-2019",
    "/api/v1/leaderboard?preset=leaderboard",
    "/api/v1/leaderboard?preset=leaderboard&limit=1000",
    "/?preset=paper-2019",
    "/?preset=leaderboard",
    "/?preset=leaderboard&limit=1000",
]
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
        benchmarks = _benchmarks(session, n_benchmarks)
        model_ids = _models(session, n_models, random.Random(seed_value))
        _scores(session, model_ids, benchmarks, random.Random(seed_value + 1))
        session.commit()


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
def served(url: str, workers: int) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENTRAL_")}
    env.update(
        VENTRAL_ENVIRONMENT="test",
        VENTRAL_SECRET_KEY=uuid.uuid4().hex,
        VENTRAL_DATABASE_URL=url,
        VENTRAL_BROKER_URL="redis://127.0.0.1:6379/15",
        PYTHONPATH=str(REPO_ROOT),
    )
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_up(base)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def _wait_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the server did not come up")


async def measure(base: str, path: str, clients: int, requests: int) -> list[float]:
    """Latencies (s) of ``requests`` GETs of ``path`` spread over ``clients`` concurrent loops."""
    latencies: list[float] = []
    remaining = iter(range(requests))

    async def client(session: httpx.AsyncClient) -> None:
        for _ in remaining:
            start = time.perf_counter()
            response = await session.get(path)
            latencies.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {response.status_code}")

    async with httpx.AsyncClient(base_url=base, timeout=60) as session:
        await session.get(path)  # warm-up: fills the leaderboard cache
        await asyncio.gather(*(client(session) for _ in range(clients)))
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(path: str, latencies: list[float], elapsed: float) -> str:
    p50, p99 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000
    mean = statistics.fmean(latencies) * 1000
    rate = len(latencies) / elapsed
    return (
        f"{path:<44} n={len(latencies):4d}  p50={p50:7.1f} ms  p99={p99:7.1f} ms  "
        f"mean={mean:7.1f} ms  {rate:6.1f} req/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--benchmarks", type=int, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--paths", nargs="+", default=DEFAULT_PATHS)
    args = parser.parse_args()
    with scratch_database() as url:
        start = time.perf_counter()
        seed(url, args.models, args.benchmarks)
        print(
            f"seeded {args.models} models × {args.benchmarks} benchmarks in "
            f"{time.perf_counter() - start:.1f} s"
        )
        with served(url, args.workers) as base:
            print(
                f"{args.clients} concurrent clients, {args.requests} requests per path, "
                f"{args.workers} uvicorn worker(s), cpus={os.cpu_count()}"
            )
            for path in args.paths:
                start = time.perf_counter()
                latencies = asyncio.run(measure(base, path, args.clients, args.requests))
                print(report(path, latencies, time.perf_counter() - start), flush=True)


if __name__ == "__main__":
    main()
