"""What one ``GET /healthz`` costs, in-process (``TestClient``) on a scratch PostgreSQL database and
a private Redis: sequential requests (p50/p90/p99), then one request while the broker is a socket
that accepts connections and never answers (a hung Redis).

    PYTHONPATH=. python bench/healthz_probe.py --requests 300
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import time

from fastapi.testclient import TestClient

from app.main import create_app
from bench.cluster import cluster_settings
from foundation.config import Settings

WARM_UP = 20


def latencies_ms(settings: Settings, requests: int) -> tuple[list[float], dict[str, object]]:
    with TestClient(create_app(settings)) as client:
        for _ in range(WARM_UP):
            client.get("/healthz")
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            body = client.get("/healthz").json()
            times.append((time.perf_counter() - started) * 1000)
    return sorted(times), body


def hung_redis_seconds(settings: Settings) -> float:
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(64)
        url = f"redis://127.0.0.1:{hung.getsockname()[1]}/0"
        with TestClient(create_app(settings.model_copy(update={"broker_url": url}))) as client:
            started = time.monotonic()
            client.get("/healthz")
            return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with cluster_settings() as settings:
        times, body = latencies_ms(settings, args.requests)
        hung = hung_redis_seconds(settings)
    result = {
        "requests": args.requests,
        "p50_ms": round(statistics.median(times), 2),
        "p90_ms": round(times[int(len(times) * 0.9)], 2),
        "p99_ms": round(times[int(len(times) * 0.99)], 2),
        "hung_redis_s": round(hung, 2),
        "fields": sorted(body),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
