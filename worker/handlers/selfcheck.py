"""``selfcheck``: an operator's end-to-end test of the job pipeline (web → broker → worker → DB).

Payload: ``foundation.jobs.payloads.SelfcheckPayload``: ``steps``, ``step_seconds``,
``fail_at_step`` (fail there with a readable error, to check that failures reach the job page),
``crash_at_step`` (raise an unexpected exception there, to check that crashes are recorded too).
"""

from __future__ import annotations

import time
from typing import Any

from foundation.jobs.payloads import SelfcheckPayload
from worker.handlers import JobFailedError, JobReporter, register_handler


@register_handler("selfcheck")
def run_selfcheck(payload: SelfcheckPayload, report: JobReporter) -> dict[str, Any]:
    steps = payload.steps
    for step in range(1, steps + 1):
        time.sleep(payload.step_seconds)
        if step == payload.fail_at_step:
            raise JobFailedError(f"self-check failed at step {step} of {steps}, as requested")
        if step == payload.crash_at_step:
            raise RuntimeError(f"self-check crashed at step {step}, as requested")
        report.log(f"step {step}/{steps} ok")
        report.progress(step / steps, f"step {step} of {steps}")
    return {"steps": steps}
