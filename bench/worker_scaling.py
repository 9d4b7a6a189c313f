"""Job throughput with 1, 2 and 4 worker processes on the same batch of CPU-bound jobs.

Each run: a private Redis, a scratch PostgreSQL database, N ``celery worker`` processes
(concurrency 1, a fresh child per job as in production); the clock runs from the commit that
queues the batch until the last job row is finished (worker start-up excluded). Jobs are the
SYNTHETIC ``bench_cpu`` kind (bench/worker_app.py); ``--kind selfcheck`` uses sleeping jobs.

    PYTHONPATH=. python bench/worker_scaling.py --workers 1 2 4 --jobs 16 --mebibytes 600
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

from bench.cluster import cluster_settings, session_factory, submit, wait_finished, workers


def run(count: int, jobs: int, kind: str, payload: dict[str, object]) -> tuple[float, float]:
    """Jobs per second with ``count`` workers, and the mean seconds a job spent running."""
    with cluster_settings() as settings:
        factory = session_factory(settings)
        with workers(settings, count):
            started = time.perf_counter()
            job_ids = submit(settings, factory, kind, [payload] * jobs)
            finished = wait_finished(factory, job_ids, timeout=1800)
            elapsed = time.perf_counter() - started
        failed = [job.id for job in finished if job.status.value != "succeeded"]
        if failed:
            raise RuntimeError(f"jobs {failed} did not succeed")
        running = [(job.finished_at - job.started_at).total_seconds() for job in finished]
        return jobs / elapsed, sum(running) / len(running)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--kind", choices=["bench_cpu", "selfcheck"], default="bench_cpu")
    parser.add_argument("--mebibytes", type=int, default=600, help="work per bench_cpu job")
    args = parser.parse_args()
    payload: dict[str, object] = (
        {"mebibytes": args.mebibytes}
        if args.kind == "bench_cpu"
        else {"steps": 4, "step_seconds": 0.25}
    )
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"{platform.system()} {platform.release()}")  # fmt: skip
    results = {count: run(count, args.jobs, args.kind, payload) for count in args.workers}
    rates = {count: rate for count, (rate, _) in results.items()}
    base = rates[args.workers[0]]
    for count, (rate, running) in results.items():
        print(f"{count} worker(s): {rate:6.3f} jobs/s   speed-up {rate / base:4.2f}x   "
              f"mean running time of a job {running:5.2f} s")  # fmt: skip
    summary = {"jobs_per_s": {str(k): round(v, 3) for k, v in rates.items()},
               "speedup": {str(k): round(v / base, 2) for k, v in rates.items()}}  # fmt: skip
    print(json.dumps({"kind": args.kind, "jobs": args.jobs, **payload, **summary}))


if __name__ == "__main__":
    main()
