"""The Celery application that ``celery -A worker.celery_app worker`` runs."""

from __future__ import annotations

import logging
from typing import Any

from celery.signals import worker_process_init, worker_ready, worker_shutdown

from foundation.config import get_settings
from worker import runtime
from worker.config import make_celery
from worker.heartbeat import Heartbeat
from worker.sandbox import sandbox_status

app = make_celery(get_settings())
log = logging.getLogger(__name__)
_heartbeats: list[Heartbeat] = []


@worker_process_init.connect
def _fresh_connections_after_fork(**_: Any) -> None:
    # A pool child must not reuse database connections inherited from its parent.
    runtime.reset()


@worker_ready.connect
def _start_background_work(sender: Any, **_: Any) -> None:
    sandbox = sandbox_status(runtime.settings())
    (log.info if sandbox.ok else log.error)("%s", sandbox.detail)
    runtime.prune_scratch()
    runtime.start_sweeper()
    # sender: the worker's consumer; consume_from: the queues given by --queues.
    queues = sender.app.amqp.queues.consume_from.keys()
    heartbeat = Heartbeat(runtime.settings(), sender.hostname, queues, sandbox)
    heartbeat.start()
    _heartbeats.append(heartbeat)


@worker_shutdown.connect
def _stop_heartbeat(**_: Any) -> None:
    for heartbeat in _heartbeats:
        heartbeat.stop()
