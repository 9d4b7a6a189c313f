"""Bounded load test on loopback: leaderboard and API reads while jobs are submitted and run.

A scratch PostgreSQL database seeded with ``--models`` × ``--benchmarks`` SYNTHETIC scores (random
numbers, only there to fill the tables; bench/leaderboard_load.py), a private Redis, the web app
under uvicorn (``--web-processes``), one worker running ``selfcheck`` jobs that a submitter
thread keeps creating, and ``--clients`` concurrent HTTP clients reading a mix of pages and API
endpoints for ``--seconds``. Reports requests/s, p50/p99 latency and errors, per path and overall.

    PYTHONPATH=. python bench/load_test.py --seconds 20 --clients 8 --web-processes 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import sqlalchemy as sa

from bench.cluster import (
    cluster_settings,
    environment,
    session_factory,
    submit,
    workers,
)
from bench.leaderboard_load import _wait_up, free_port, percentile, seed
from foundation.config import Settings
from foundation.models import Job

PATHS = [
    "/",
    "/api/v1/leaderboard",
    "/api/v1/leaderboard?preset=paper-2019",
    "/api/v1/benchmarks",
    "/api/v1/models",
    "/api/v1/jobs/{job_id}",
    "/healthz",
]


@contextmanager
def web(settings: Settings, processes: int) -> Iterator[str]:
    port = free_port()
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
        str(processes),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env=environment(settings))
    try:
        _wait_up(f"http://127.0.0.1:{port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(30)


@contextmanager
def job_stream(settings: Settings, interval: float) -> Iterator[list[int]]:
    """Creates a short selfcheck job every ``interval`` seconds, as submissions would."""
    factory = session_factory(settings)
    created: list[int] = []
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            created.extend(
                submit(settings, factory, "selfcheck", [{"steps": 3, "step_seconds": 0.2}])
            )

    created.extend(submit(settings, factory, "selfcheck", [{"steps": 3, "step_seconds": 0.2}]))
    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield created
    finally:
        stop.set()
        thread.join()


async def load(base: str, clients: int, seconds: float, job_ids: list[int]) -> dict[str, list]:
    """Each client cycles through PATHS until time is up; latencies (s) and errors per path."""
    results: dict[str, list] = defaultdict(list)
    deadline = time.monotonic() + seconds

    async def client(offset: int, session: httpx.AsyncClient) -> None:
        index = offset
        while time.monotonic() < deadline:
            path = PATHS[index % len(PATHS)]
            index += 1
            start = time.perf_counter()
            try:
                response = await session.get(path.format(job_id=job_ids[-1]))
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            results[path].append((time.perf_counter() - start, ok))

    async with httpx.AsyncClient(base_url=base, timeout=30) as session:
        await asyncio.gather(*(client(i, session) for i in range(clients)))
    return results


def job_states(settings: Settings, job_ids: list[int]) -> dict[str, int]:
    with session_factory(settings)() as session:
        jobs = session.scalars(sa.select(Job).where(Job.id.in_(job_ids)))
        return dict(Counter(job.status.value for job in jobs))


def summarize(name: str, samples: list, seconds: float) -> dict[str, object]:
    latencies = [latency for latency, _ in samples]
    return {
        "path": name,
        "requests": len(samples),
        "requests_per_s": round(len(samples) / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "errors": sum(1 for _, ok in samples if not ok),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--benchmarks", type=int, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--web-processes", type=int, default=2)
    parser.add_argument("--job-interval", type=float, default=2.0, help="s between new jobs")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}; all processes on this machine"
    )
    with cluster_settings() as settings:
        seed(settings.database_url, args.models, args.benchmarks)
        # The worker takes the user queue too, as every deployment's must: /healthz says "ok"
        # only while a live worker would validate uploads.
        with workers(settings, 1, queues="user,default"), web(settings, args.web_processes) as base:
            with job_stream(settings, args.job_interval) as job_ids:
                asyncio.run(load(base, 1, 2, job_ids))  # warm-up (caches, connections)
                started = time.perf_counter()
                results = asyncio.run(load(base, args.clients, args.seconds, job_ids))
                elapsed = time.perf_counter() - started
            states = job_states(settings, list(job_ids))
    rows = [summarize(path, results[path], elapsed) for path in PATHS]
    everything = summarize("all", [s for path in PATHS for s in results[path]], elapsed)
    print(
        f"{args.clients} clients for {elapsed:.1f} s, {args.web_processes} web processes, "
        f"{args.models} models x {args.benchmarks} benchmarks; "
        f"jobs created meanwhile, by state at the end: {states}"
    )
    for row in [*rows, everything]:
        print(
            f"{row['path']:<40} {row['requests']:6d} req  {row['requests_per_s']:7.1f} req/s  "
            f"p50 {row['p50_ms']:7.1f} ms  p99 {row['p99_ms']:7.1f} ms  errors {row['errors']}"
        )
    print(json.dumps(everything))


if __name__ == "__main__":
    main()
