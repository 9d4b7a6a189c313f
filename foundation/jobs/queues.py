"""Queue names, the task every job message names, and the Celery *client* that sends it.

The web, the CLI and the workers all send jobs (a finished training run queues its model's
score jobs); only ``worker.config`` builds the Celery application that consumes them.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from kombu import Exchange, Queue

from foundation.config import Settings

RUN_JOB_TASK = "ventral.run_job"
# Queues, highest priority first. User work (an upload's validation, then its scoring) has
# queues of its own, so it never waits behind reference training or bulk re-scoring on
# ``default`` / ``gpu``; ``ventral serve`` runs a second worker process for them alone.
USER_QUEUE = "user"
USER_SCORE_QUEUE = "user-score"
DEFAULT_QUEUE = "default"
GPU_QUEUE = "gpu"
QUEUES_BY_PRIORITY = (USER_QUEUE, USER_SCORE_QUEUE, DEFAULT_QUEUE, GPU_QUEUE)
USER_QUEUES = (USER_QUEUE, USER_SCORE_QUEUE)


def queues_before(queue: str) -> tuple[str, ...]:
    """``queue`` and the queues a worker serves before it (an unknown queue: all of them)."""
    if queue not in QUEUES_BY_PRIORITY:
        return (*QUEUES_BY_PRIORITY, queue)
    return QUEUES_BY_PRIORITY[: QUEUES_BY_PRIORITY.index(queue) + 1]


def celery_client(settings: Settings) -> Celery:
    """A Celery instance that only sends tasks (by name: it knows no task code)."""
    celery = Celery("ventral", broker=settings.broker_url)
    celery.conf.update(client_settings(settings))
    return celery


def client_settings(settings: Settings) -> dict[str, Any]:
    """What sender and consumer must agree on: serialization, queues, broker connection."""
    return {
        # JSON only: a task message can never carry code (no pickle).
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        "task_ignore_result": True,
        "task_queues": [_queue(name) for name in QUEUES_BY_PRIORITY],
        "task_default_queue": DEFAULT_QUEUE,
        "broker_transport_options": broker_transport_options(settings),
        "broker_connection_retry_on_startup": True,
        "broker_connection_timeout": 5,
        "task_publish_retry_policy": {
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
    }


def broker_transport_options(settings: Settings) -> dict[str, Any]:
    if settings.broker_is_redis:
        return {
            "visibility_timeout": settings.broker_visibility_timeout,
            "socket_connect_timeout": 3,
            "socket_timeout": 10,
        }
    # The SQLAlchemy transport passes its options to create_engine: give SQLite a busy timeout
    # so the web process, the CLI and the worker can share the broker file.
    if settings.broker_url.startswith("sqla+sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {}


def _queue(name: str) -> Queue:
    return Queue(name, Exchange(name, type="direct"), routing_key=name)
