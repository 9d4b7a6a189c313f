from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import torch
from safetensors.torch import load_file
from torch import nn

from scoring.training import TrainingProgress, get_profile, train
from scoring.training.checkpoints import latest_checkpoint, sha256_of
from tests.live import process_group_gone, wait_for

QUICK = replace(get_profile("cpu-quick"), epochs=3, batch_size=32, log_every_steps=4)

KILLED_RUN = """
import os, signal, sys
from dataclasses import replace
from scoring.training import get_profile, train

def kill_at_first_checkpoint(report):
    if report.phase == "epoch":
        os.kill(os.getpid(), signal.SIGKILL)

profile = replace(get_profile("cpu-quick"), epochs=3, batch_size=32, log_every_steps=4)
train(tiny_net(), sys.argv[1], profile, sys.argv[2], nproc=2, progress=kill_at_first_checkpoint)
"""


def _assert_same_weights(left: dict[str, torch.Tensor], right: dict[str, torch.Tensor]) -> None:
    assert left.keys() == right.keys()
    for name, tensor in left.items():
        assert torch.equal(tensor, right[name]), name


def test_two_gloo_processes_train_one_epoch_and_the_weights_load(
    cifar_subset: Path, tiny_net: Callable[[], nn.Module], tmp_path: Path
):
    reports: list[TrainingProgress] = []
    profile = replace(QUICK, epochs=1)
    result = train(tiny_net(), cifar_subset, profile, tmp_path, nproc=2, progress=reports.append)
    assert result.finished and result.epochs_done == 1
    assert result.global_step == 10  # 150 images per rank, 16 per rank per step
    assert result.sha256 == sha256_of(tmp_path / "model.safetensors")
    assert [report.phase for report in reports][-1] == "epoch"
    assert all(report.images_per_second > 0 for report in reports), reports
    assert reports[-1].val_accuracy is not None
    fresh = tiny_net()
    fresh.load_state_dict(load_file(str(result.weights_path)), strict=True)
    _assert_same_weights(fresh.state_dict(), load_file(str(tmp_path / "model.safetensors")))
    logits = fresh(torch.zeros(2, 3, 32, 32))
    assert logits.shape == (2, 10) and torch.isfinite(logits).all()


def test_a_killed_ddp_run_resumes_from_its_last_checkpoint_and_finishes(
    cifar_subset: Path,
    tiny_net: Callable[[], nn.Module],
    tiny_net_source: str,
    tmp_path: Path,
    repo_root: Path,
):
    out = tmp_path / "run"
    environment = {**os.environ, "PYTHONPATH": str(repo_root)}
    killed = subprocess.Popen(
        [sys.executable, "-c", tiny_net_source + KILLED_RUN, str(cifar_subset), str(out)],
        cwd=repo_root,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = killed.communicate(timeout=120)
        assert killed.returncode == -9, stderr
        # Its ranks die with it (PDEATHSIG); once none is left, none can write epoch-0002.
        wait_for(lambda: process_group_gone(killed.pid), 30, "the killed run's ranks to exit")
    finally:
        if not process_group_gone(killed.pid):
            os.killpg(killed.pid, signal.SIGKILL)
    checkpoint = latest_checkpoint(out)
    assert checkpoint is not None and checkpoint.name == "epoch-0001"
    assert not (out / "model.safetensors").exists()
    saved = load_file(str(checkpoint / "model.safetensors"))

    probe = tmp_path / "probe"
    shutil.copytree(out, probe)
    at_resume = train(tiny_net(), cifar_subset, QUICK, probe, max_steps=10)
    assert (at_resume.resumed_from_epoch, at_resume.global_step) == (1, 10)
    _assert_same_weights(load_file(str(at_resume.weights_path)), saved)

    reports: list[TrainingProgress] = []
    result = train(tiny_net(), cifar_subset, QUICK, out, nproc=2, progress=reports.append)
    assert (result.resumed_from_epoch, result.epochs_done, result.global_step) == (1, 3, 30)
    assert result.finished
    assert reports[0].epoch == 1 and reports[0].step > 10
    assert [report.epoch for report in reports if report.phase == "epoch"] == [1, 2]
    assert [record["epoch"] for record in result.history] == [0, 1, 2]


def test_an_interrupted_and_resumed_run_equals_an_uninterrupted_one(
    cifar_subset: Path, tiny_net: Callable[[], nn.Module], tmp_path: Path
):
    profile = replace(QUICK, epochs=2, batch_size=64)  # 5 steps per epoch
    torch.manual_seed(0)
    straight = train(tiny_net(), cifar_subset, profile, tmp_path / "straight")
    torch.manual_seed(0)
    stopped = train(tiny_net(), cifar_subset, profile, tmp_path / "split", max_steps=7)
    assert not stopped.finished and (stopped.epochs_done, stopped.global_step) == (1, 7)
    resumed = train(tiny_net(), cifar_subset, profile, tmp_path / "split")
    assert resumed.finished and resumed.resumed_from_epoch == 1
    assert resumed.sha256 == straight.sha256
    again = train(tiny_net(), cifar_subset, profile, tmp_path / "split")
    assert again.sha256 == straight.sha256 and again.resumed_from_epoch == 2


def test_resume_false_starts_over(
    cifar_subset: Path, tiny_net: Callable[[], nn.Module], tmp_path: Path
):
    train(tiny_net(), cifar_subset, replace(QUICK, epochs=2, batch_size=100), tmp_path)
    profile = replace(QUICK, epochs=1, batch_size=100)
    fresh_start = train(tiny_net(), cifar_subset, profile, tmp_path, resume=False)
    assert (fresh_start.resumed_from_epoch, fresh_start.global_step) == (0, 3)
    assert latest_checkpoint(tmp_path).name == "epoch-0001"
