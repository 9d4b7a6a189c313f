"""Per-process resources of a worker: settings, database sessions, the periodic sweep."""

from __future__ import annotations

import logging
import socket
import threading
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from foundation.config import Settings, get_settings
from foundation.db import create_session_factory
from foundation.db import unit_of_work as _unit_of_work
from foundation.jobs.dispatch import JobDispatcher, job_dispatcher
from foundation.jobs.service import sweep_jobs
from foundation.startup import install_job_hooks
from foundation.storage import Storage, objects_cache, storage_from_settings
from foundation.storage.scratch import STALE_AFTER_SECONDS, remove_stale, remove_stale_files

log = logging.getLogger(__name__)
OBJECT_COPIES_KEPT_SECONDS = 7 * 24 * 3600


def settings() -> Settings:
    return get_settings()


@lru_cache
def session_factory() -> sessionmaker[Session]:
    return create_session_factory(settings())


@lru_cache
def dispatcher() -> JobDispatcher:
    """This process's sender of job tasks (one broker connection pool, reused)."""
    return job_dispatcher(settings(), session_factory())


def unit_of_work() -> AbstractContextManager[Session]:
    """A unit of work of this worker: commits, then sends the jobs it created."""
    return _unit_of_work(session_factory(), dispatcher())


@lru_cache
def storage() -> Storage:
    return storage_from_settings(settings())


def local_object(key: str) -> Path:
    """A stored object as a file on this host: the object itself in a local storage folder, else
    a copy in this host's objects cache (downloaded once)."""
    return storage().local_copy(key, objects_cache(settings()))


def prune_scratch() -> None:
    """Forget downloaded objects unused for a week (objects deleted meanwhile included), and
    sandbox folders of killed validations."""
    scratch = settings().scratch_dir
    removed = remove_stale_files(objects_cache(settings()), OBJECT_COPIES_KEPT_SECONDS)
    removed += remove_stale(scratch / "sandbox", STALE_AFTER_SECONDS)
    if removed:
        log.info("removed %d stale entries from %s", removed, scratch)


def reset() -> None:
    """Forget connections (after a fork): the next use opens new ones."""
    session_factory.cache_clear()
    dispatcher.cache_clear()
    storage.cache_clear()


def hostname() -> str:
    return socket.gethostname()


def start_sweeper() -> threading.Thread:
    """Sweep at start, then every ``sweep_interval_seconds``, in a daemon thread of this worker.

    Every worker sweeps; that is safe because each re-send is reserved by a conditional update.
    """
    install_job_hooks()
    thread = threading.Thread(target=_sweep_forever, name="ventral-sweep", daemon=True)
    thread.start()
    return thread


def _sweep_forever() -> None:
    # Its own Celery instance and engine: nothing shared with the threads that consume tasks.
    factory = create_session_factory(settings())
    sender = job_dispatcher(settings(), factory)
    pause = threading.Event()
    while True:
        try:
            sweep_jobs(factory, sender, settings())
        except Exception:  # a database hiccup must not kill the sweeper; try again next round
            log.exception("job sweep failed")
        pause.wait(settings().sweep_interval_seconds)
