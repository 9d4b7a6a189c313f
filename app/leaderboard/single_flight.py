"""One caller builds a missing value while the others wait for it, then look again: a burst of
requests for a view that is not built yet costs one build, not one per request."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class SingleFlight(Generic[T]):
    """``lookup`` runs under ``lock`` (the lock that guards what it reads); ``build`` runs
    outside it, by one caller per key at a time."""

    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock
        self._flights: dict[Hashable, threading.Event] = {}

    def run(self, key: Hashable, lookup: Callable[[], T | None], build: Callable[[], T]) -> T:
        while True:
            with self._lock:
                found = lookup()
                if found is not None:
                    return found
                flight = self._flights.get(key)
                leader = flight is None
                if flight is None:
                    flight = self._flights[key] = threading.Event()
            if not leader:
                flight.wait()
                continue  # stored (or failed, or still too old): look again, maybe lead
            try:
                return build()
            finally:
                with self._lock:
                    self._flights.pop(key, None)
                flight.set()
