"""Runs the performance scripts with small, bounded settings and writes docs/performance.md.

Each entry runs as its own process; its printed figures go into the report verbatim, with the
command, the wall time and the machine that produced them. Results are kept per entry in
``bench/results.json`` (committed with the report), so ``--only NAME`` re-measures one entry and
keeps the others. ``gpu_throughput`` runs only where CUDA is available; its output from a GPU
machine is added with ``--record``.

    python -m bench.run_all                      # every default entry (about 25 min on 2 cores)
    python -m bench.run_all --only worker_scaling load_test
    python -m bench.run_all --full               # adds the entries marked full_only (none now)
    python -m bench.run_all --record gpu_throughput gpu.txt   # output saved on another machine
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results.json"
REPORT = REPO / "docs" / "performance.md"
# The PLS script's IT-sized default takes ~30 min per sklearn split on 2 cores: run_all shrinks
# the SYNTHETIC problem (its module constants) to 640 images x 2,000 features x 168 sites.
SMALL_PLS_SNIPPET = (
    "import sys; import bench.pls_vs_sklearn as b; "
    "b.N_OBJECTS, b.PER_OBJECT, b.N_FEATURES = 16, 40, 2000; "
    "print('small setting set by bench/run_all.py (the script default is 2,560 x 25,088)'); "
    "sys.argv = ['pls_vs_sklearn', '--splits', '2', '--rounds', '3']; b.main()"
)


@dataclass(frozen=True)
class Entry:
    name: str
    title: str
    what: str
    argv: list[str]
    full_only: bool = False
    needs_gpu: bool = False
    timeout: float | None = None  # seconds; None: --timeout


ENTRIES = [
    Entry("extraction_overhead", "Activation extraction vs a plain forward loop",
          "images/s of our hooked extraction (hooks, flattening, xarray assembly) vs `model(x)`",
          ["bench/extraction_overhead.py", "--model", "cornet_s", "--images", "16", "--batch", "16",
           "--threads", "1", "--repeats", "5"]),
    Entry("pls_vs_sklearn", "Neural predictivity vs scikit-learn",
          "our PLS vs sklearn's PLSRegression in the same pipeline (SYNTHETIC data, small setting)",
          ["-c", SMALL_PLS_SNIPPET]),
    Entry("training_throughput", "Training throughput vs a plain PyTorch loop",
          "images/s of `scoring.training.train` vs a hand-written loop, same model/data/batch, "
          "the same steps timed on both sides",
          ["bench/training_throughput.py", "--model", "tiny", "--steps", "25", "--warmup", "5",
           "--repeats", "3", "--threads", "1"]),
    Entry("pls_vs_brainscore", "PLS predictivity and ceiling vs Brain-Score 2.4.2's own code",
          "our neural predictivity and internal-consistency ceiling vs Brain-Score's "
          "(`brainscore-vision==2.4.2` in its own venv under var/, built with pip on first use) "
          "on the same GENERATED IT-sized case, alternating; Brain-Score takes minutes per split "
          "on 2 cores, hence `--full` only",
          ["bench/pls_vs_brainscore.py", "--features", "1000", "4000", "--splits", "2",
           "--rounds", "2"], full_only=True, timeout=5400),
    Entry("worker_scaling", "Job throughput with 1, 2 and 4 worker processes",
          "jobs/s on one batch of SYNTHETIC CPU-bound jobs (private Redis, scratch PostgreSQL)",
          ["bench/worker_scaling.py", "--workers", "1", "2", "4", "--jobs", "8",
           "--mebibytes", "2000"]),
    Entry("load_test", "Web latency under load",
          "mixed page/API reads by concurrent clients while jobs are created and run",
          ["bench/load_test.py", "--seconds", "15", "--clients", "8", "--web-processes", "2",
           "--models", "200"]),
    Entry("leaderboard_load", "Leaderboard under load",
          "p50/p99 of the leaderboard API and page, 50 concurrent clients, 1 web process, 1,000 "
          "and 10,000 models x 30 benchmarks, reads only then with scores being rewritten; the "
          "server's CPU time per request, one at a time and under each load",
          ["bench/leaderboard_load.py", "--models", "1000", "10000", "--seconds", "10"]),
    Entry("leaderboard_load_before", "Leaderboard under load, before issue 18",
          "the same load on the app of commit 2ef161a (per-process cache keyed on counts and "
          "largest ids, rebuilt by every request that finds it empty)",
          ["bench/leaderboard_load.py", "--models", "1000", "10000", "--seconds", "10",
           "--commit", "2ef161a"]),
    Entry("leaderboard_load_main", "Leaderboard under load, before the ready bytes",
          "the same load on the app of commit f676831 (boards and their renderings cached per "
          "process and board version; every request read the version with a pool ping and a "
          "transaction, and rendered the page around the board; no Redis)",
          ["bench/leaderboard_load.py", "--models", "1000", "10000", "--seconds", "10",
           "--commit", "f676831"]),
    Entry("leaderboard_load_threadpool", "Leaderboard under load, before the event-loop path",
          "the same load on the app of commit ccb83f2 (ready bytes, but every anonymous request "
          "went through the thread pool with a database session and its own version read; the "
          "whole heap walked by each full garbage collection)",
          ["bench/leaderboard_load.py", "--models", "1000", "10000", "--seconds", "10",
           "--commit", "ccb83f2"]),
    Entry("offline_suite", "The offline suite for one model, end to end",
          "every installed benchmark scored for the shipped ResNet-20 weights as the service's "
          "score jobs do (leaderboard parametrization, a fresh process per job), cold (empty "
          "activation cache), then warm (the cache the cold pass filled)",
          ["bench/offline_suite.py"], timeout=3600),
    Entry("gpu_throughput", "CORnet-S on a GPU: inference, extraction and training",
          "images/s at 224 px: `model(x)` fp32 and bf16 autocast, our extraction vs a plain "
          "loop, SGD training steps; best of timed trials (only where CUDA is available)",
          ["bench/gpu_throughput.py"], needs_gpu=True, timeout=600),
]  # fmt: skip


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        lines = cpuinfo.read_text().splitlines()
        names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
        cpu = names[0] if names else cpu
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} CPUs, {memory:.0f} GiB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}; load average "
            f"{os.getloadavg()[0]:.1f} at start")  # fmt: skip


def command_of(entry: Entry) -> str:
    if entry.argv[0] == "-c":  # a snippet: name the way to rerun it rather than quote it
        return f"python -m bench.run_all --only {entry.name}"
    return f"PYTHONPATH=. python {shlex.join(entry.argv)}"


def run(entry: Entry, timeout: float) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    print(f"== {entry.name}: python {' '.join(entry.argv)}", flush=True)
    try:
        done = subprocess.run([sys.executable, *entry.argv], cwd=REPO, env=env, text=True,
                              capture_output=True, timeout=timeout)  # fmt: skip
        output, status = done.stdout + done.stderr[-2000:] * (done.returncode != 0), done.returncode
    except subprocess.TimeoutExpired as expired:
        captured: bytes | str = expired.stdout or b""  # bytes here even with text=True
        partial = captured.decode(errors="replace") if isinstance(captured, bytes) else captured
        output, status = f"{partial}\nstopped after {timeout:.0f} s", -1
    print(output, flush=True)
    return {
        "command": command_of(entry),
        "output": str(output).strip(),
        "exit_status": status,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def recorded(entry: Entry, path: Path) -> dict[str, object]:
    """A result from the output of ``entry``'s command saved on another machine."""
    output = path.read_text().strip()
    named = [line.split(":", 1)[1].strip() for line in output.splitlines()
             if line.startswith("machine:")]  # fmt: skip
    return {
        "command": command_of(entry),
        "output": output,
        "exit_status": 0,
        "seconds": _seconds_in(output),
        "machine": named[0] if named else f"not named in {path.name}",
        "date": datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _seconds_in(output: str) -> object:
    try:
        return json.loads(output.splitlines()[-1]).get("seconds", "?")
    except (ValueError, AttributeError):
        return "?"


def skipped(reason: str) -> dict[str, object]:
    return {"skipped": reason, "machine": machine(),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}  # fmt: skip


def cuda_available() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def render(results: dict[str, dict[str, object]]) -> str:
    lines = [
        "# Performance",
        "",
        "Regenerated by `make bench` (`python -m bench.run_all`): each figure below is the printed",
        "output of the named command, run with small bounded settings, on the machine named with",
        "it. Ratios compare two code paths run alternately in the same process where possible, so",
        "machine load hits both alike; absolute rates depend on the machine and its load.",
        "Interpretation and caveats: the **Reading** section at the end (written by hand).",
        "",
    ]
    for entry in ENTRIES:
        result = results.get(entry.name)
        lines += [f"## {entry.title}", "", entry.what + ".", ""]
        if result is None:
            lines += ["Not measured in the last run (`--full` adds it).", ""]
            continue
        if "skipped" in result:
            lines += [f"Not measured: {result['skipped']} ({result['machine']}; "
                      f"{result['date']}).", ""]  # fmt: skip
            continue
        status = "" if result["exit_status"] == 0 else f" — **exit status {result['exit_status']}**"
        lines += [
            f"`{result['command']}`  ",
            f"{result['date']}, {result['seconds']} s wall{status}  ",
            f"machine: {result['machine']}",
            "",
            "```",
            str(result["output"]),
            "```",
            "",
        ]
    reading = REPORT.read_text().split("<!-- reading -->", 1)[1] if _has_reading() else "\n"
    return "\n".join(lines) + "<!-- reading -->" + reading


def _has_reading() -> bool:
    return REPORT.is_file() and "<!-- reading -->" in REPORT.read_text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=[e.name for e in ENTRIES])
    parser.add_argument("--full", action="store_true", help="also run the slow entries")
    parser.add_argument(
        "--timeout",
        type=float,
        default=900,
        help="per entry, seconds (an entry that names its own keeps it)",
    )
    parser.add_argument(
        "--record",
        nargs=2,
        metavar=("NAME", "FILE"),
        help="record FILE, NAME's output saved on another machine; runs nothing",
    )
    args = parser.parse_args()
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    if args.record:
        entry = next((e for e in ENTRIES if e.name == args.record[0]), None)
        if entry is None:
            parser.error(f"no entry {args.record[0]!r}")
        results[entry.name] = recorded(entry, Path(args.record[1]))
        save(results)
    for entry in [] if args.record else ENTRIES:
        chosen = entry.name in args.only if args.only else (args.full or not entry.full_only)
        if chosen:
            results[entry.name] = measure(entry, args.timeout, results.get(entry.name))
            save(results)
    REPORT.write_text(render(results))
    print(f"wrote {REPORT.relative_to(REPO)}")


def measure(entry: Entry, timeout: float, previous: dict[str, object] | None) -> dict[str, object]:
    if not entry.needs_gpu or cuda_available():
        return run(entry, entry.timeout or timeout)
    if previous is not None and "skipped" not in previous:
        print(f"== {entry.name}: no GPU here; kept the measurement of {previous['date']}")
        return previous
    print(f"== {entry.name}: no GPU on this machine, not run")
    return skipped("no GPU on the machine that ran this")


def save(results: dict[str, dict[str, object]]) -> None:
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
