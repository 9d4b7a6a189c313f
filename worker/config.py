"""Builds the Celery application from the settings; the web process uses it to send tasks."""

from __future__ import annotations

from typing import Any

from celery import Celery
from kombu import Exchange, Queue

from app.core.config import Settings

RUN_JOB_TASK = "ventral.run_job"
DEFAULT_QUEUE = "default"
GPU_QUEUE = "gpu"


def make_celery(settings: Settings) -> Celery:
    celery = Celery("ventral", broker=settings.broker_url, include=["worker.tasks"])
    celery.conf.update(celery_settings(settings))
    return celery


def celery_settings(settings: Settings) -> dict[str, Any]:
    return {
        # JSON only: a task message can never carry code (no pickle).
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        "task_ignore_result": True,
        # The job row, not Celery, is the record of a job: a message is acknowledged only after
        # the work ends, and a task whose worker dies is delivered again.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_max_tasks_per_child": settings.worker_max_tasks_per_child,
        "task_soft_time_limit": settings.task_soft_time_limit,
        "task_time_limit": settings.task_hard_time_limit,
        "task_queues": [_queue(DEFAULT_QUEUE), _queue(GPU_QUEUE)],
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
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
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
