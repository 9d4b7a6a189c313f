"""Job handlers by kind. A handler does the work of one job kind and reports through the run.

Register with ``@register_handler("kind")``; a handler receives its kind's payload model
(``foundation.jobs.payloads``), already checked by ``read_payload``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Protocol

from foundation.jobs.payloads import JobPayload, PayloadError, parse_payload


class JobFailedError(Exception):
    """A failure whose message is written for the user who reads the job page."""


class JobReporter(Protocol):
    job_id: int

    def progress(self, fraction: float, message: str) -> None: ...

    def log(self, line: str) -> None: ...


Handler = Callable[[Any, JobReporter], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}
BUILTIN_HANDLER_MODULES = {
    "import": "worker.handlers.import_data",
    "score": "worker.handlers.score",
    "selfcheck": "worker.handlers.selfcheck",
    "train": "worker.handlers.train",
    "validate": "worker.handlers.validate",
}


def register_handler(kind: str) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        if kind in HANDLERS:
            raise ValueError(f"a handler for job kind {kind!r} is already registered")
        HANDLERS[kind] = handler
        return handler

    return decorate


def handler_for(kind: str) -> Handler:
    _load_builtin_handler(kind)
    try:
        return HANDLERS[kind]
    except KeyError:
        raise JobFailedError(f"this server does not know how to run a {kind!r} job") from None


def read_payload(kind: str, data: dict[str, Any]) -> JobPayload:
    """The row's payload as its kind's model; a readable failure when it does not fit."""
    try:
        return parse_payload(kind, data)
    except PayloadError as error:
        raise JobFailedError(str(error)) from None


def _load_builtin_handler(kind: str) -> None:
    """Import only the module of this kind: each task runs in a fresh process
    (``worker_max_tasks_per_child=1``), and importing every handler there costs seconds (torch,
    pandas, the model zoo) that a self-check or an import job never uses."""
    module = BUILTIN_HANDLER_MODULES.get(kind)
    if module is not None and kind not in HANDLERS:
        importlib.import_module(module)  # registers its handler
