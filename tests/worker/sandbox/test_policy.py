"""In production a worker never falls back silently to the plain sandbox: it refuses to validate,
says so on the job and in its health check, and only an explicit setting allows the plain mode."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from foundation.config import Settings
from foundation.jobs.payloads import ValidatePayload
from worker import runtime
from worker.handlers import JobFailedError
from worker.handlers.validate import validate_submission
from worker.sandbox import isolation, required_mode, sandbox_status

SECRET = "a-production-secret-that-is-long-enough-0123456789"
# Production shares its rate limits through the Redis broker (foundation/config.py); the URL is
# only named here, never connected to.
BROKER = "redis://127.0.0.1:6379/0"


def settings(tmp_path: Path, environment: str = "production", **values: object) -> Settings:
    return Settings(
        environment=environment, secret_key=SECRET, var_dir=tmp_path, broker_url=BROKER, **values
    )


@pytest.fixture
def no_bwrap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolation, "bwrap_available", lambda: False)


def test_production_demands_bubblewrap_and_development_falls_back(tmp_path: Path) -> None:
    assert required_mode(settings(tmp_path)) == "bwrap"
    assert required_mode(settings(tmp_path, "development")) == "auto"
    allowed = settings(tmp_path, sandbox_mode="plain", sandbox_allow_plain=True)
    assert required_mode(allowed) == "plain"


def test_plain_mode_in_production_needs_the_explicit_allow_flag(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="VENTRAL_SANDBOX_ALLOW_PLAIN=true"):
        settings(tmp_path, sandbox_mode="plain")
    settings(tmp_path, "development", sandbox_mode="plain")  # outside production: allowed


def test_without_bubblewrap_a_production_worker_is_unhealthy(tmp_path: Path, no_bwrap) -> None:
    status = sandbox_status(settings(tmp_path))
    assert not status.ok
    assert "cannot start the sandbox" in status.detail
    assert "refuses to validate" in status.detail
    fallback = sandbox_status(settings(tmp_path, "development"))
    assert (fallback.ok, fallback.mode) == (True, "plain")
    assert "not a security boundary" in fallback.detail
    allowed = sandbox_status(settings(tmp_path, sandbox_mode="plain", sandbox_allow_plain=True))
    assert (allowed.ok, allowed.mode) == (True, "plain")


def test_without_bubblewrap_a_production_worker_refuses_to_validate(
    tmp_path: Path, no_bwrap, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime, "settings", lambda: settings(tmp_path))
    recorder = Recorder()
    # No database is touched: the refusal comes before the upload is even looked up.
    with pytest.raises(JobFailedError, match=r"refuses to validate uploads.*Your upload is kept"):
        validate_submission(ValidatePayload(submission_id=1), recorder)
    assert recorder.lines == []


class Recorder:
    job_id = 1

    def __init__(self) -> None:
        self.lines: list[str] = []

    def progress(self, fraction: float, message: str) -> None:
        self.lines.append(message)

    def log(self, line: str) -> None:
        self.lines.append(line)


def test_the_health_command_fails_without_bubblewrap(tmp_path: Path) -> None:
    environment = {
        "VENTRAL_ENVIRONMENT": "production",
        "VENTRAL_SECRET_KEY": SECRET,
        "VENTRAL_BROKER_URL": BROKER,
        "VENTRAL_VAR_DIR": str(tmp_path),
        "PATH": str(tmp_path),  # no bwrap on this PATH
    }
    check = [sys.executable, "-m", "cli.main", "sandbox-check"]
    failed = run_cli(check, environment)
    assert failed.returncode == 1, failed.stderr
    assert "cannot start the sandbox" in failed.stderr
    allowed = environment | {"VENTRAL_SANDBOX_MODE": "plain", "VENTRAL_SANDBOX_ALLOW_PLAIN": "1"}
    passed = run_cli(check, allowed)
    assert passed.returncode == 0, passed.stderr
    assert "sandbox mode plain (as configured; not a security boundary)" in passed.stdout


def run_cli(command: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": os.environ.get("PYTHONPATH", "")} | environment
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
