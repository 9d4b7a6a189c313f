"""Builds the Celery application the workers run: the client's settings plus the consumer's."""

from __future__ import annotations

from typing import Any

from celery import Celery

from foundation.config import Settings
from foundation.jobs.queues import client_settings


def make_celery(settings: Settings) -> Celery:
    celery = Celery("ventral", broker=settings.broker_url, include=["worker.tasks"])
    celery.conf.update(celery_settings(settings))
    return celery


def celery_settings(settings: Settings) -> dict[str, Any]:
    return {
        **client_settings(settings),
        # The job row, not Celery, is the record of a job: a message is acknowledged only after
        # the work ends, and a task whose worker dies is delivered again.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_max_tasks_per_child": settings.worker_max_tasks_per_child,
        "task_soft_time_limit": settings.task_soft_time_limit,
        "task_time_limit": settings.task_hard_time_limit,
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
    }
