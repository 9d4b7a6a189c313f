"""An in-process limiter of failed sign-ins, per (email, client address) and per address.

In process, not in the database: a failed guess then costs no write, and the embedded default
runs one web process. Behind N web processes the limit is at most N times looser, which still
turns an online guessing attack from millions of tries a day into a few thousand (docs/security.md).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SignInLimiter:
    """Allows ``per_account`` failures per (email, address) and ``per_address`` per address
    within ``window_seconds``; a success clears the (email, address) record."""

    per_account: int = 5
    per_address: int = 50
    window_seconds: float = 15 * 60
    clock: Callable[[], float] = time.monotonic
    _failures: dict[tuple[str, ...], deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(self, email: str, address: str) -> float:
        """Seconds until another try is allowed; 0 when allowed now."""
        with self._lock:
            return max(
                self._wait((email, address), self.per_account),
                self._wait((address,), self.per_address),
            )

    def record_failure(self, email: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            for key in ((email, address), (address,)):
                self._failures.setdefault(key, deque()).append(now)

    def record_success(self, email: str, address: str) -> None:
        with self._lock:
            self._failures.pop((email, address), None)

    def _wait(self, key: tuple[str, ...], allowed: int) -> float:
        failures = self._failures.get(key)
        if not failures:
            return 0.0
        cutoff = self.clock() - self.window_seconds
        while failures and failures[0] <= cutoff:
            failures.popleft()
        if len(failures) < allowed:
            return 0.0
        return failures[0] - cutoff
