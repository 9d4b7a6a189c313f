"""The Celery app the benchmarks' workers run: Ventral's own, plus one SYNTHETIC CPU-bound job
kind, ``bench_cpu`` (SHA-256 over ``mebibytes`` MiB of zeros: steady single-core work that
stands in for a scoring job's compute, with no data to install)."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from pydantic import Field

from foundation.jobs.payloads import JobPayload, job_payload
from worker.celery_app import app
from worker.handlers import JobReporter, register_handler

__all__ = ["app"]
ZEROS = b"\0" * (1 << 20)


@job_payload
class BenchCpuPayload(JobPayload):
    kind: ClassVar[str] = "bench_cpu"
    mebibytes: int = Field(default=500, ge=0)


@register_handler("bench_cpu")
def burn(payload: BenchCpuPayload, report: JobReporter) -> dict[str, Any]:
    digest = hashlib.sha256()
    mebibytes = payload.mebibytes
    for _ in range(mebibytes):
        digest.update(ZEROS)
    report.progress(1.0, f"hashed {mebibytes} MiB")
    return {"sha256": digest.hexdigest()}
