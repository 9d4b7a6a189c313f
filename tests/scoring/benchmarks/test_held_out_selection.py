"""Layer selection for generic models on the real benchmarks (spec §2.4 on held-out data): the
layer a CIFAR ResNet is scored with is chosen on the other real data sets of the region, never
on the images or recordings it is then scored on."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.benchmarks import NotApplicable, benchmark_info, list_benchmarks, load_benchmark
from scoring.benchmarks.run import HELD_OUT_SELECTION, score_model
from scoring.brain_model import load_brain_model
from scoring.models import model_info
from tests.data import BuiltData

REAL_NEURAL = [
    *list_benchmarks("MajajHong2015-subset25.*"),
    *[name for name in list_benchmarks("Kriegeskorte2008.*") if "IT-" in name],
    *list_benchmarks("Coggan2024.*"),
]


@pytest.fixture(scope="module")
def folders(built_data: BuiltData) -> tuple[Path, ...]:
    names = ("kriegeskorte2008", "majajhong2015-subset25", "coggan2024")
    return tuple(built_data(name) for name in names)


def _images(identifier: str) -> set[str]:
    """The stimulus-set files a benchmark scores (its images)."""
    return {f.identifier for f in benchmark_info(identifier).data_files if f.kind != "assembly"}


def _region(identifier: str) -> str:
    return identifier.split(".")[1].split("-")[0]


@pytest.mark.parametrize("identifier", sorted(HELD_OUT_SELECTION))
def test_selection_data_are_never_the_scored_data(identifier: str) -> None:
    selectors = HELD_OUT_SELECTION[identifier]
    assert selectors and identifier not in selectors
    for selector in selectors:
        assert _region(selector) == _region(identifier)
        assert not _images(selector) & _images(identifier), (identifier, selector)
        assert not set(benchmark_info(selector).data_files) & set(
            benchmark_info(identifier).data_files
        )


def test_every_real_v4_and_it_benchmark_selects_held_out() -> None:
    assert {n for n in REAL_NEURAL if _region(n) in ("V4", "IT")} == set(HELD_OUT_SELECTION)


def test_a_cifar_resnet_is_scored_with_the_layer_chosen_on_the_other_data(
    folders: tuple[Path, ...], tmp_path: Path
) -> None:
    assert not model_info("resnet20_cifar10").region_layers  # a generic model
    score = score_model(
        "resnet20_cifar10", "MajajHong2015-subset25.V4", data_dir=folders, cache_dir=tmp_path
    )
    selection = score.details["layer_selection"]
    assert selection["selected_on"] == "Coggan2024.V4-rsa"
    scores = selection["scores"]
    assert list(scores) == list(model_info("resnet20_cifar10").candidate_layers)
    best = max(scores.values())
    assert score.details["layer"] == next(k for k, v in scores.items() if v == best)
    assert -1 < score.raw < 1 and score.ceiled == score.ceiled
    assert score.details["layer_choice"]["method"] == "held-out selection"
    # each recorded selection score is the selector's ceiled score of that layer
    layer = score.details["layer"]
    committed = load_brain_model(
        "resnet20_cifar10", region_layers={"V4": layer}, cache_dir=tmp_path
    )
    selector = load_benchmark("Coggan2024.V4-rsa", data_dir=folders)
    assert selector(committed).ceiled == pytest.approx(scores[layer])
    # and the other way round: Coggan's V4 layer is chosen on subset25
    coggan = score_model(
        "resnet20_cifar10", "Coggan2024.V4-rsa", data_dir=folders, cache_dir=tmp_path
    )
    assert coggan.details["layer_selection"]["selected_on"] == "MajajHong2015-subset25.V4"


def test_v1_and_v2_of_a_generic_model_are_not_applicable_with_the_reason(
    folders: tuple[Path, ...],
) -> None:
    for region in ("V1", "V2"):
        with pytest.raises(NotApplicable, match=f"no {region} recordings other than"):
            score_model("resnet20_cifar10", f"Coggan2024.{region}-rsa", data_dir=folders)


def test_a_model_with_commitments_is_scored_on_them_without_selection(
    folders: tuple[Path, ...], tmp_path: Path
) -> None:
    score = score_model("cornet_z", "Coggan2024.IT-rsa", data_dir=folders, cache_dir=tmp_path)
    assert score.details["layer"] == "IT.output"
    assert "layer_selection" not in score.details
    assert score.details["layer_choice"]["method"] == "rule"
    assert score.details["layer_choice"]["rule"].startswith("anatomical")


def test_an_imagenet_model_chooses_v4_held_out_and_commits_v1_by_its_rule(
    built_data: BuiltData, folders: tuple[Path, ...], tmp_path: Path
) -> None:
    model = "mobilenet_v1_0.25_128"  # the smallest ImageNet network
    info = model_info(model)
    assert set(info.region_layers) == {"V1", "V2"}  # V4 and IT are chosen at scoring time
    data_dirs = (*folders, built_data("imagenet-mobilenets"))
    score = score_model(model, "MajajHong2015-subset25.V4", data_dir=data_dirs, cache_dir=tmp_path)
    selection = score.details["layer_selection"]
    assert selection["selected_on"] == "Coggan2024.V4-rsa"
    assert list(selection["scores"]) == list(info.candidate_layers)
    best = max(selection["scores"], key=lambda layer: selection["scores"][layer])
    assert score.details["layer"] == best
    assert score.details["layer_choice"] == {
        "region": "V4",
        "layer": best,
        "method": "held-out selection",
        "selected_on": "Coggan2024.V4-rsa",
    }
    v1 = score_model(model, "Coggan2024.V1-rsa", data_dir=data_dirs, cache_dir=tmp_path)
    assert "layer_selection" not in v1.details
    assert v1.details["layer_choice"] == {
        "region": "V1",
        "layer": "features.block3",
        "method": "rule",
        "rule": info.commitment_rule,
    }
