"""Probes of the database, the broker, the storage and the workers, and what an outage means to a
user."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

import redis
import sqlalchemy as sa
from celery import Celery
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.orm import Session, sessionmaker

from foundation.jobs.queues import USER_QUEUE
from foundation.models import utcnow
from foundation.storage import Storage, StorageError
from foundation.worker_heartbeats import SANDBOX_UNAVAILABLE, live_workers

# Each step of the Redis broker probe (connect, PING) gets this long, once: a load balancer
# polls /healthz, and a hung Redis must not hold a request (and a thread) for long.
REDIS_PROBE_TIMEOUT_S = 1.0

CONSEQUENCES = {
    "database": "the database is unreachable: pages, scores and jobs cannot be read or written",
    "queue": "the job queue (broker) is unreachable: new jobs wait in the database and are sent "
    "when it is back",
    "storage": "the file storage cannot be written: uploads and new artifacts are refused",
}

NO_WORKER = "no worker answering"
NO_UPLOAD_WORKER = "no worker takes uploads"
SANDBOX_BROKEN = "sandbox unavailable"
WORKERS_UNKNOWN = "unknown"
WORKER_CONSEQUENCES = {
    NO_WORKER: "no worker is answering: new jobs (upload validations, scores) wait in the queue "
    "until one starts",
    NO_UPLOAD_WORKER: f"no live worker takes the {USER_QUEUE!r} queue: upload validations wait "
    "until one does",
    SANDBOX_BROKEN: "a worker that takes uploads cannot start the sandbox it demands, so it "
    "refuses to validate them (docs/security.md)",
    WORKERS_UNKNOWN: "the workers' state is unknown: it is kept in the database",
}


@dataclass(frozen=True)
class WorkersReport:
    """``state``: ``ok`` or a key of ``WORKER_CONSEQUENCES``; ``live``: workers heard from lately
    (None when unknown); ``sandbox``: the live workers that validate uploads, by sandbox mode."""

    state: str
    live: int | None = None
    sandbox: dict[str, int] = field(default_factory=dict)


def database_status(factory: sessionmaker[Session]) -> str:
    try:
        with factory() as session:
            session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return "unavailable"
    return "ok"


def queue_status(celery: Celery, broker_url: str) -> str:
    if broker_url.startswith(("redis://", "rediss://")):
        return redis_status(broker_url)
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # any transport error means the same thing to an operator
        return "unavailable"
    return "ok"


def redis_status(url: str) -> str:
    try:
        _redis_client(url).ping()
    except Exception:  # a refused or hung connection, a bad URL: the same to an operator
        return "unavailable"
    return "ok"


@lru_cache(maxsize=8)
def _redis_client(url: str) -> redis.Redis:
    # One pool per URL, reused by every probe; no retries, so a probe costs at most one timeout
    # per step.
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=REDIS_PROBE_TIMEOUT_S,
        socket_timeout=REDIS_PROBE_TIMEOUT_S,
        retry=Retry(NoBackoff(), 0),
    )


def storage_status(storage: Storage) -> str:
    try:
        return storage.probe()
    except StorageError:
        return "unavailable"


def workers_report(factory: sessionmaker[Session], stale_seconds: float) -> WorkersReport:
    """The workers whose heartbeat is fresher than ``stale_seconds`` (``worker.heartbeat``)."""
    try:
        with factory() as session:
            workers = live_workers(session, utcnow() - timedelta(seconds=stale_seconds))
    except sa.exc.SQLAlchemyError:
        return WorkersReport(WORKERS_UNKNOWN)
    validating = [worker for worker in workers if worker.takes(USER_QUEUE)]
    if not workers:
        state = NO_WORKER
    elif not validating:
        state = NO_UPLOAD_WORKER
    elif any(worker.sandbox == SANDBOX_UNAVAILABLE for worker in validating):
        state = SANDBOX_BROKEN
    else:
        state = "ok"
    sandbox = Counter(worker.sandbox for worker in validating)
    return WorkersReport(state, len(workers), dict(sorted(sandbox.items())))


def overall(components: dict[str, str]) -> dict[str, str]:
    """The /healthz body: ``ok``; ``unavailable`` without a database; else ``degraded`` (a
    worker problem included: pages and reads still work)."""
    if all(state == "ok" for state in components.values()):
        return {"status": "ok", **components}
    status = "unavailable" if components["database"] != "ok" else "degraded"
    problems = [
        f"{_consequence(name, state)} ({state})"
        for name, state in components.items()
        if state != "ok"
    ]
    return {"status": status, **components, "detail": "; ".join(problems)}


def _consequence(name: str, state: str) -> str:
    return WORKER_CONSEQUENCES[state] if name == "workers" else CONSEQUENCES[name]
