"""``score_model`` on a real registered model and a shipped benchmark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import scoring.brain_model
from scoring.benchmarks.run import score_model


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
