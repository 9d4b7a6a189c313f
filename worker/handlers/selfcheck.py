"""``selfcheck``: an operator's end-to-end test of the job pipeline (web → broker → worker → DB).

Payload: ``steps`` (default 5), ``step_seconds`` (default 0.5), ``fail_at_step`` (optional: fail
there with a readable error, to check that failures reach the job page), ``crash_at_step``
(optional: raise an unexpected exception there, to check that crashes are recorded too).
"""

from __future__ import annotations

import time
from typing import Any

from worker.handlers import JobFailedError, JobReporter, register_handler

MAX_STEPS = 1000
MAX_STEP_SECONDS = 60.0


@register_handler("selfcheck")
def run_selfcheck(payload: dict[str, Any], report: JobReporter) -> dict[str, Any]:
    steps, step_seconds, fail_at = _parse(payload)
    for step in range(1, steps + 1):
        time.sleep(step_seconds)
        if step == fail_at:
            raise JobFailedError(f"self-check failed at step {step} of {steps}, as requested")
        if step == payload.get("crash_at_step"):
            raise RuntimeError(f"self-check crashed at step {step}, as requested")
        report.log(f"step {step}/{steps} ok")
        report.progress(step / steps, f"step {step} of {steps}")
    return {"steps": steps}


def _parse(payload: dict[str, Any]) -> tuple[int, float, int | None]:
    try:
        steps = int(payload.get("steps", 5))
        step_seconds = float(payload.get("step_seconds", 0.5))
        fail_at = payload.get("fail_at_step")
        fail_at = None if fail_at is None else int(fail_at)
    except (TypeError, ValueError):
        raise JobFailedError(
            "self-check payload: steps, step_seconds and fail_at_step must be numbers"
        ) from None
    if not (1 <= steps <= MAX_STEPS and 0 <= step_seconds <= MAX_STEP_SECONDS):
        raise JobFailedError(
            f"self-check payload: steps in 1..{MAX_STEPS}, step_seconds in 0..{MAX_STEP_SECONDS}"
        )
    return steps, step_seconds, fail_at
