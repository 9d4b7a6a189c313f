"""The selfcheck handler with a recording reporter (no worker, no database)."""

import subprocess
import sys

import pytest

from foundation.jobs.payloads import PAYLOADS, SelfcheckPayload
from worker.handlers import BUILTIN_HANDLER_MODULES, JobFailedError, handler_for, read_payload


class Recorder:
    def __init__(self) -> None:
        self.progress_calls: list[tuple[float, str]] = []
        self.lines: list[str] = []

    def progress(self, fraction: float, message: str) -> None:
        self.progress_calls.append((fraction, message))

    def log(self, line: str) -> None:
        self.lines.append(line)


def test_selfcheck_reports_every_step() -> None:
    recorder = Recorder()
    result = handler_for("selfcheck")(SelfcheckPayload(steps=4, step_seconds=0), recorder)
    assert result == {"steps": 4}
    assert [fraction for fraction, _ in recorder.progress_calls] == [0.25, 0.5, 0.75, 1.0]
    assert recorder.lines[-1] == "step 4/4 ok"


def test_selfcheck_fails_where_asked_with_a_readable_error() -> None:
    recorder = Recorder()
    with pytest.raises(JobFailedError, match="failed at step 3 of 5, as requested"):
        payload = SelfcheckPayload(steps=5, step_seconds=0, fail_at_step=3)
        handler_for("selfcheck")(payload, recorder)
    assert len(recorder.progress_calls) == 2


@pytest.mark.parametrize(
    "payload", [{"steps": 0}, {"steps": "x"}, {"step_seconds": -1}, {"steps": 10**6}]
)
def test_a_bad_selfcheck_payload_fails_the_job_readably(payload: dict[str, object]) -> None:
    with pytest.raises(JobFailedError, match="the selfcheck job's payload is invalid: step"):
        read_payload("selfcheck", payload)


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(JobFailedError, match="stepz: Extra inputs are not permitted"):
        read_payload("selfcheck", {"stepz": 3})


def test_unknown_kind_is_a_readable_failure() -> None:
    with pytest.raises(JobFailedError, match="does not know how to run a 'nope' job"):
        handler_for("nope")


def test_every_job_kind_has_a_handler_module_that_registers_it() -> None:
    assert set(BUILTIN_HANDLER_MODULES) == set(PAYLOADS)
    for kind in BUILTIN_HANDLER_MODULES:
        assert callable(handler_for(kind))


def test_a_selfcheck_task_imports_neither_torch_nor_the_other_handlers() -> None:
    """Each task runs in a fresh process: the seconds of importing torch are paid only by the
    kinds that use it (the fault tests run dozens of self-checks)."""
    script = (
        "import sys; from worker.handlers import handler_for; handler_for('selfcheck'); "
        "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('worker.handlers.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout.strip()
    assert loaded == "['worker.handlers.selfcheck']"
