"""A real web server (uvicorn in a subprocess) with the test settings, for the CLI and browser."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from foundation.config import Settings
from tests.app.services import REPO_ROOT, settings_env
from tests.live import free_port, wait_for


def _healthy(url: str) -> bool:
    """The web's own parts answer; a test may start its worker after the server (or none)."""
    try:
        body = httpx.get(f"{url}/healthz", timeout=1).json()
    except httpx.HTTPError:
        return False
    return all(body[part] == "ok" for part in ("database", "queue", "storage"))


@contextmanager
def live_server(settings: Settings, log_path: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=settings_env(settings), stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_for(lambda: _healthy(url) or process.poll() is not None, 60, "the web server")
            assert process.poll() is None, log_path.read_text()[-2000:]
            yield url
        finally:
            process.terminate()
            process.wait(15)
