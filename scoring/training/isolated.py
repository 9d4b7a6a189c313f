"""Run ``train`` in a fresh child process, with progress read back from a JSON-lines file.

A Celery prefork worker runs its tasks in daemonic processes, and ``multiprocessing`` refuses
children to those: no DDP ranks, no DataLoader workers. ``train_in_subprocess`` starts
``python -m scoring.training.isolated JOB.json`` with ``subprocess`` (which has no such limit);
that child calls ``train`` and appends every report to ``out_dir/progress.jsonl``, which the
parent tails into the caller's callback. The child dies with its parent (PR_SET_PDEATHSIG), and
its memory is returned when it exits.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from scoring.training.launch import request_parent_death_signal, train
from scoring.training.profiles import TrainingProfile, get_profile
from scoring.training.progress import ProgressCallback, TrainingProgress, TrainingResult

PROGRESS_FILE = "progress.jsonl"
LOG_FILE = "train.log"
JOB_FILE = "job.json"


class TrainingFailed(RuntimeError):
    """The training process exited with an error; the message ends with its log tail."""


def train_in_subprocess(
    model: str,
    data_dir: Path | str,
    profile: TrainingProfile | str,
    out_dir: Path | str,
    *,
    nproc: int = 1,
    device: str = "cpu",
    resume: bool = True,
    progress: ProgressCallback | None = None,
    max_steps: int | None = None,
    poll_seconds: float = 0.2,
) -> TrainingResult:
    """Same contract as ``train`` for a registry ``model`` name, run in a child process."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    profile = get_profile(profile) if isinstance(profile, str) else profile
    job = {
        "model": model,
        "data_dir": str(data_dir),
        "profile": profile.as_dict(),
        "out_dir": str(out),
        "nproc": nproc,
        "device": device,
        "resume": resume,
        "max_steps": max_steps,
    }
    (out / JOB_FILE).write_text(json.dumps(job))
    (out / PROGRESS_FILE).write_text("")
    with (out / LOG_FILE).open("w") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "scoring.training.isolated", str(out / JOB_FILE)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        tail = ProgressTail(out / PROGRESS_FILE)
        try:
            while child.poll() is None:
                tail.deliver(progress)
                time.sleep(poll_seconds)
            tail.deliver(progress)
        except BaseException:
            # The callback stopped the run (a cancel, a yield to other work): stop the child too.
            _stop(child)
            raise
    if child.returncode != 0:
        log_tail = (out / LOG_FILE).read_text()[-4000:]
        raise TrainingFailed(f"training exited with {child.returncode}:\n{log_tail}")
    return TrainingResult.from_json_file(out / "result.json")


def _stop(child: subprocess.Popen[bytes], grace_seconds: float = 10) -> None:
    child.terminate()
    try:
        child.wait(grace_seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


class ProgressTail:
    """Reads the complete lines appended to a JSON-lines file since the last read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def deliver(self, progress: ProgressCallback | None) -> None:
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            chunk = handle.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self.offset += len(complete)
        for line in complete.splitlines():
            if progress is not None:
                progress(TrainingProgress(**json.loads(line)))


def profile_from_dict(payload: dict[str, Any]) -> TrainingProfile:
    tuples = {key: tuple(value) for key, value in payload.items() if isinstance(value, list)}
    return TrainingProfile(**{**payload, **tuples})


def _append_report(path: Path, report: TrainingProgress) -> None:
    with path.open("a") as handle:
        handle.write(json.dumps(asdict(report)) + "\n")


def main(job_file: str) -> None:
    request_parent_death_signal()
    job = json.loads(Path(job_file).read_text())
    out = Path(job["out_dir"])
    train(
        job["model"],
        job["data_dir"],
        profile_from_dict(job["profile"]),
        out,
        nproc=job["nproc"],
        device=job["device"],
        resume=job["resume"],
        max_steps=job["max_steps"],
        progress=lambda report: _append_report(out / PROGRESS_FILE, report),
    )


if __name__ == "__main__":
    main(sys.argv[1])
