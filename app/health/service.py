"""Probes of the database and the broker."""

from __future__ import annotations

import sqlalchemy as sa
from celery import Celery
from sqlalchemy.orm import Session, sessionmaker


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
