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
from scoring.score import Score


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


def test_layer_selection_scores_pca_1000_features_fitted_on_the_imagenet_images(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Spec §2.4 (issue 16): layer selection for generic models runs on PCA-1000 features."""
    import scoring.benchmarks.run as run
    from scoring.models import model_info

    built: list[dict[str, Any]] = []
    fitted: list[tuple[Any, list[str], int]] = []
    pca = object()

    def loader(name: str, **kwargs: Any) -> dict[str, Any]:
        built.append(kwargs)
        return kwargs

    def fit(model: Any, images: Any, layers: list[str], components: int) -> Any:
        fitted.append((images, list(layers), components))
        return pca

    monkeypatch.setattr(scoring.brain_model, "load_brain_model", loader)
    monkeypatch.setattr(scoring.brain_model, "fit_layer_pca", fit)
    layers = list(model_info("resnet20_cifar10").candidate_layers)
    images = object()

    def selector(model: dict[str, Any]) -> Score:  # the deepest candidate predicts best
        return Score(layers.index(model["region_layers"]["IT"]) / 10, 0.0)

    choice = run.select_layer("resnet20_cifar10", "IT", selector, pca_images=images)  # type: ignore[arg-type]
    assert fitted == [(images, layers, 1000)]
    assert [kwargs["pca"] for kwargs in built[1:]] == [pca] * len(layers)
    assert choice.layer == layers[-1] and choice.pca_components == 1000
    assert {f.filename for f in run.scoring_data_files("MajajHong2015.IT-pls")} >= {
        "stimulus_imagenet-sample.csv",
        "stimulus_imagenet-sample.zip",
    }
