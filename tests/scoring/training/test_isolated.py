from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from safetensors.torch import load_file

from scoring.models import create_model
from scoring.training import TrainingProgress, get_profile
from scoring.training.isolated import TrainingFailed, profile_from_dict, train_in_subprocess
from scoring.training.models import replace_classifier

ONE_EPOCH = replace(get_profile("cpu-quick"), epochs=1, batch_size=50, log_every_steps=2)


def test_cornet_z_trains_in_a_child_process_with_progress_tailed(
    cifar_subset: Path, tmp_path: Path
):
    reports: list[TrainingProgress] = []
    result = train_in_subprocess(
        "cornet_z", cifar_subset, ONE_EPOCH, tmp_path, progress=reports.append
    )
    assert result.finished and result.global_step == 6 and result.num_classes == 10
    assert [report.step for report in reports if report.phase == "train"] == [2, 4, 6]
    assert reports[-1].phase == "epoch" and reports[-1].val_accuracy is not None
    fresh = create_model("cornet_z")
    replace_classifier(fresh, 10)
    fresh.load_state_dict(load_file(str(result.weights_path)), strict=True)


def test_a_failing_run_raises_with_the_log_tail(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(TrainingFailed, match="no class subfolders"):
        train_in_subprocess("cornet_z", tmp_path / "empty", ONE_EPOCH, tmp_path / "out")


def test_profiles_survive_the_json_round_trip():
    paper = get_profile("paper")
    assert profile_from_dict(paper.as_dict()) == paper
