"""``score_model`` on a real registered model: a shipped benchmark, and files that are not the
published ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import scoring.brain_model
from scoring.benchmarks.base import REPO_DATA_DIR
from scoring.benchmarks.run import score_model
from scoring.data.brainio import ChecksumError


def test_the_activation_cache_folder_reaches_the_brain_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache itself is tested in tests/scoring/activations; this pins the wiring that the
    # score jobs rely on to share activations through storage.
    built: list[Any] = []
    real = scoring.brain_model.load_brain_model

    def recording_loader(*args: Any, **kwargs: Any) -> Any:
        model = real(*args, **kwargs)
        built.append(model)
        return model

    monkeypatch.setattr(scoring.brain_model, "load_brain_model", recording_loader)
    score = score_model("resnet20_cifar10", "CIFAR10-top1", cache_dir=tmp_path, n_per_class=4)
    assert [model.cache.root for model in built] == [tmp_path]
    assert 0.5 <= score.raw <= 1.0  # 40 test images; the shipped weights reach ~81 %


def test_recordings_that_are_not_the_published_files_fail_before_a_model_is_built(
    hvm_like_data: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_model(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a model was built for data that cannot be scored")

    monkeypatch.setattr(scoring.brain_model, "load_brain_model", no_model)
    folder, _ = hvm_like_data  # SYNTHETIC files under the real names: their SHA1s differ
    with pytest.raises(ChecksumError, match="does not match the expected 6ff49817"):
        score_model("cornet_z", "MajajHong2015.IT-pls", data_dir=(REPO_DATA_DIR, folder))
