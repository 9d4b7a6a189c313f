"""The one Celery task: run the job whose id the message carries."""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded

from foundation.jobs.lifecycle import (
    JobCancelledError,
    JobRun,
    JobYieldedError,
    LostOwnershipError,
)
from foundation.jobs.queues import RUN_JOB_TASK
from worker import runtime
from worker.celery_app import app
from worker.handlers import JobFailedError, handler_for, read_payload

log = logging.getLogger(__name__)


@app.task(name=RUN_JOB_TASK, bind=True)
def run_job(self: Task, job_id: int) -> None:
    """Claim the job, run its handler, record the outcome. A finished job is never run again."""
    worker_name = self.request.hostname or runtime.hostname()
    run = JobRun.claim(runtime.session_factory(), runtime.settings(), job_id, worker_name)
    if run is None:
        log.info("job %s: already finished or running elsewhere; nothing to do", job_id)
        return
    with _heartbeat(run):
        _run_claimed(run)


def _run_claimed(run: JobRun) -> None:
    try:
        kind, data = run.load()
        handler = handler_for(kind)
        result = handler(read_payload(kind, data), run)
    except JobFailedError as error:
        run.fail(str(error))
    except JobCancelledError:
        run.cancel()
    except JobYieldedError as yielded:
        run.requeue(str(yielded))
    except LostOwnershipError:
        log.warning("job %s: attempt %s was taken over by another worker", run.job_id, run.attempt)
    except SoftTimeLimitExceeded:
        limit = runtime.settings().task_soft_time_limit
        run.fail(f"the job ran longer than this server's limit of {limit} seconds and was stopped")
    except Exception as error:
        _record_crash(run, error)
    else:
        run.succeed(result)


def _record_crash(run: JobRun, error: Exception) -> None:
    log.exception("job %s crashed", run.job_id)
    run.log_tail = (run.log_tail + traceback.format_exc())[-8000:]
    run.fail(f"internal error while running the job ({type(error).__name__}: {error})")


class _heartbeat:
    """Touches the job's heartbeat while the handler works, so sweeps know the worker lives."""

    def __init__(self, run: JobRun) -> None:
        self.run = run
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def __enter__(self) -> None:
        self.thread.start()

    def __exit__(self, *_: Any) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        interval = runtime.settings().job_heartbeat_seconds
        while not self.stopped.wait(interval):
            try:
                self.run.heartbeat()
            except (JobCancelledError, LostOwnershipError):
                return
            except Exception:
                log.exception("job %s: heartbeat failed", self.run.job_id)
