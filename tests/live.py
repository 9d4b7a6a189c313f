"""Helpers for tests on live processes and servers: free ports, and every wait against a deadline.

No application imports here, so any test (scoring included) can use it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

POLL_SECONDS = 0.05


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(
    condition: Callable[[], object],
    timeout: float,
    what: str,
    state: Callable[[], object] | None = None,
) -> Any:
    """Polls ``condition`` until it returns something true (returned) or ``timeout`` passes;
    ``state``, when given, says in the failure what was seen last (a job's status, its log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    seen = f"; last seen: {state()}" if state is not None else ""
    raise AssertionError(f"timed out after {timeout} s waiting for {what}{seen}")


def holds_for(condition: Callable[[], object], seconds: float, what: str) -> None:
    """Polls ``condition`` until ``seconds`` have passed and fails the moment it is false: the
    check that something did *not* happen, made all along the window instead of once at its end."""
    deadline = time.monotonic() + seconds
    checks = 0
    while True:
        if not condition():
            raise AssertionError(f"{what} stopped holding after {checks} checks")
        checks += 1
        if time.monotonic() >= deadline:
            return
        time.sleep(POLL_SECONDS)


def process_group_gone(pgid: int) -> bool:
    """No live process of the group ``pgid`` is left (Linux /proc). Zombies do not count: they run
    nothing, and an orphan's zombie lingers for as long as whatever reaps orphans takes."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _live_in_group(entry / "stat", pgid):
            return False
    return True


def _live_in_group(stat_file: Path, pgid: int) -> bool:
    try:
        stat = stat_file.read_text()
    except OSError:  # it exited while we looked
        return False
    state, _parent, group = stat.rsplit(")", 1)[1].split()[:3]
    return int(group) == pgid and state != "Z"


@contextmanager
def uvicorn_in_thread(app: Any, timeout: float = 30) -> Iterator[str]:
    """Serves ``app`` on a free loopback port from a thread; yields its URL once it listens."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True, name=f"uvicorn-{port}")
    thread.start()
    try:
        wait_for(lambda: server.started or not thread.is_alive(), timeout, "uvicorn to start")
        assert server.started, f"uvicorn on port {port} stopped before it started listening"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
