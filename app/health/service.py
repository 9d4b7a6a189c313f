"""Probes of the database, the broker and the storage, and what an outage means to a user."""

from __future__ import annotations

import sqlalchemy as sa
from celery import Celery
from sqlalchemy.orm import Session, sessionmaker

from foundation.storage import Storage, StorageError

CONSEQUENCES = {
    "database": "the database is unreachable: pages, scores and jobs cannot be read or written",
    "queue": "the job queue (broker) is unreachable: new jobs wait in the database and are sent "
    "when it is back",
    "storage": "the file storage cannot be written: uploads and new artifacts are refused",
}


def database_status(factory: sessionmaker[Session]) -> str:
    try:
        with factory() as session:
            session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return "unavailable"
    return "ok"


def queue_status(celery: Celery) -> str:
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # any transport error means the same thing to an operator
        return "unavailable"
    return "ok"


def storage_status(storage: Storage) -> str:
    try:
        return storage.probe()
    except StorageError:
        return "unavailable"


def overall(components: dict[str, str]) -> dict[str, str]:
    """The /healthz body: ``ok``; ``unavailable`` without a database; else ``degraded``."""
    if all(state == "ok" for state in components.values()):
        return {"status": "ok", **components}
    status = "unavailable" if components["database"] != "ok" else "degraded"
    problems = [
        f"{CONSEQUENCES[name]} ({state})" for name, state in components.items() if state != "ok"
    ]
    return {"status": status, **components, "detail": "; ".join(problems)}
