"""The prepared GPU script runs end to end (CPU smoke settings) and `make bench` keeps results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import run_all

REPO = Path(__file__).resolve().parents[1]


def test_gpu_throughput_quick_on_cpu_prints_every_figure() -> None:
    done = subprocess.run(
        [sys.executable, "bench/gpu_throughput.py", "--device", "cpu", "--quick"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("machine: device cpu")
    result = json.loads(lines[-1])
    assert (result["kind"], result["device"], result["quick"]) == ("gpu_throughput", "cpu", True)
    assert result["torch"] and result["model"] == "cornet_s_scale1"
    rates = [result["inference"][precision]["2"]["best"] for precision in ("fp32", "bf16")]
    rates += [result["training"][precision]["best"] for precision in ("fp32", "bf16")]
    extraction = result["extraction"]
    rates += [extraction[name]["best"] for name in ("decode_only", "plain", "ours")]
    assert all(rate > 0 for rate in rates)
    assert extraction["layers"] == ["IT.output", "V1.output", "V2.output", "V4.output"]
    assert extraction["temporal"] is True and extraction["images"] == 4


def test_a_gpu_entry_without_a_gpu_keeps_the_last_measurement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(run_all, "cuda_available", lambda: False)
    entry = next(e for e in run_all.ENTRIES if e.name == "gpu_throughput")
    fresh = run_all.measure(entry, 1, None)
    assert fresh["skipped"] == "no GPU on the machine that ran this"
    assert "Not measured: no GPU on the machine that ran this" in run_all.render(
        {"gpu_throughput": fresh}
    )
    measured = {"output": "...", "date": "2026-11-29 18:00 UTC", "exit_status": 0}
    assert run_all.measure(entry, 1, measured) is measured
    assert run_all.measure(entry, 1, fresh)["skipped"]


def test_recorded_output_names_the_machine_it_came_from(tmp_path: Path) -> None:
    saved = tmp_path / "gpu.txt"
    saved.write_text('machine: device NVIDIA H200 (139 GiB)\nfigures\n{"seconds": 171.2}\n')
    entry = next(e for e in run_all.ENTRIES if e.name == "gpu_throughput")
    result = run_all.recorded(entry, saved)
    assert result["machine"] == "device NVIDIA H200 (139 GiB)"
    assert (result["seconds"], result["exit_status"]) == (171.2, 0)
    assert result["command"] == "PYTHONPATH=. python bench/gpu_throughput.py"


def test_pls_bench_alternates_two_sides_and_reports_medians_and_agreement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import pls_vs_brainscore as bench

    monkeypatch.setattr(bench, "VAR", tmp_path)
    monkeypatch.setattr(bench, "N_OBJECTS", 4)
    monkeypatch.setattr(bench, "PER_OBJECT", 10)
    monkeypatch.setattr(bench, "N_REPETITIONS", 4)
    case = bench.case_file(30)
    assert case.name == "case_40x30x168x4.npz"
    # both sides run our code here (the Brain-Score venv is built only by the script itself)
    sides = [bench.Side("ours", Path(sys.executable), "ours"),
             bench.Side("other", Path(sys.executable), "ours", REPO)]  # fmt: skip
    try:
        for task in ("predictivity", "ceiling"):
            request = {"case": str(case), "task": task, "splits": 2}
            runs = bench.compare(sides, request, rounds=3)
            assert [len(runs[name]) for name in ("ours", "other")] == [3, 3]
            figures = bench.summary(task, runs)
            assert figures["max_abs_difference"] == 0.0
            assert figures["wall_s"]["ours_range"][0] <= figures["wall_s"]["ours"]
            assert figures["cpu_s"]["ratio"] > 0
    finally:
        for side in sides:
            side.close()


def test_training_bench_warms_each_loop_up_once_then_rotates_the_order() -> None:
    from bench.training_throughput import rounds, summary

    calls: list[str] = []

    def loop(name: str, seconds: float):  # type: ignore[no-untyped-def]
        return lambda: calls.append(name) or (seconds, seconds / 2)

    times = rounds({"ours": loop("ours", 2.0), "plain": loop("plain", 1.0)}, repeats=3)
    assert calls == ["ours", "plain", "ours", "plain", "plain", "ours", "ours", "plain"]
    assert [len(runs) for runs in times.values()] == [3, 3]
    wall, cpu = summary(times, images=100)
    assert "ours/plain 0.500" in wall and "ours/plain 0.500" in cpu


def test_the_page_fault_bench_compares_glibc_defaults_with_the_worker_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bench.extraction_page_faults import environments
    from worker.launch import ALLOCATOR_ENV

    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "4096")  # a caller's own setting is left out
    envs = environments()
    assert not ALLOCATOR_ENV.keys() & envs["glibc default"].keys()
    assert ALLOCATOR_ENV.items() <= envs["worker_env"].items()
