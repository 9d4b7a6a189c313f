"""MajajHong2015-subset25.V4 / .IT on the real recordings (25 images), through the data build."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from scoring.benchmarks import NotApplicable, load_benchmark
from scoring.benchmarks.run import score_model
from scoring.brain_model import load_brain_model
from scoring.metrics.neural import average_repetitions
from tests.data import BuiltData


@pytest.fixture(scope="module")
def subset25(built_data: BuiltData) -> Path:
    return built_data("majajhong2015-subset25")


def test_the_build_holds_the_real_recordings_with_hvm_metadata_and_provenance(
    subset25: Path,
) -> None:
    benchmark = load_benchmark("MajajHong2015-subset25.IT", data_dir=subset25)
    stimuli, trials = benchmark.trials()
    assert len(stimuli) == 25 and set(stimuli.metadata["variation"]) == {0}
    assert trials.sizes["neuroid"] == 168 and trials.sizes["presentation"] == 25 * 28
    assert sorted(set(trials["repetition"].values)) == list(range(28))
    assert {"license", "citation", "origin"} <= set(trials.attrs)
    assert "Majaj" in trials.attrs["citation"]


def test_split_half_ceilings_over_the_28_repetitions(subset25: Path) -> None:
    v4 = load_benchmark("MajajHong2015-subset25.V4", data_dir=subset25).ceiling()
    it = load_benchmark("MajajHong2015-subset25.IT", data_dir=subset25).ceiling()
    assert v4.raw == pytest.approx(0.648, abs=0.005)
    assert it.raw == pytest.approx(0.753, abs=0.005)
    assert 0 < v4.error < 0.02 and 0 < it.error < 0.02


def test_half_of_the_repetitions_predicts_the_other_half(subset25: Path, stand_in: type) -> None:
    benchmark = load_benchmark("MajajHong2015-subset25.IT", data_dir=subset25)
    _, trials = benchmark.trials()
    even = average_repetitions(trials.isel(presentation=trials["repetition"].values % 2 == 0))
    features = dict(
        zip(map(str, even["stimulus_id"].values), even.isel(time_bin=0).values, strict=True)
    )
    score = benchmark(stand_in(features))
    assert 0.3 < score.raw < score.ceiling
    assert score.ceiled == pytest.approx(score.raw / score.ceiling)
    assert score.details["n_images"] == 25 and score.details["n_components"] == 5


@pytest.mark.parametrize("region", ["V4", "IT"])
def test_a_registered_model_is_scored_end_to_end(subset25: Path, region: str) -> None:
    torch.manual_seed(0)
    model = load_brain_model("cornet_z")
    score = load_benchmark(f"MajajHong2015-subset25.{region}", data_dir=subset25)(model)
    assert np.isfinite([score.raw, score.error, score.ceiling, score.ceiled]).all()
    assert -1 < score.raw < 1 and score.error > 0
    assert score.details["layer"] == f"{region}.output"
    assert len(score.details["neuroid_id"]) == {"V4": 128, "IT": 168}[region]


def test_a_model_committing_no_layer_is_not_applicable_rather_than_selected_on_its_images(
    subset25: Path,
) -> None:
    # its layer is chosen on the other IT data sets only (tests/scoring/benchmarks/
    # test_held_out_selection.py); without them here, it is not applicable and says so
    with pytest.raises(NotApplicable, match=r"chosen on other data .*Kriegeskorte2008.*none"):
        score_model("resnet20_cifar10", "MajajHong2015-subset25.IT", data_dir=subset25)
    benchmark = load_benchmark("MajajHong2015-subset25.V4", data_dir=subset25)
    with pytest.raises(NotApplicable, match="no layer selection"):
        benchmark(load_brain_model("resnet20_cifar10"))


def test_constant_features_are_not_applicable_rather_than_nan(
    subset25: Path, stand_in: type
) -> None:
    benchmark = load_benchmark("MajajHong2015-subset25.V4", data_dir=subset25)
    stimuli, _ = benchmark.trials()
    blank = stand_in({sid: np.full(6, 0.5) for sid in stimuli.stimulus_ids})
    with pytest.raises(
        NotApplicable, match=r"^the model's features are constant on these images \("
    ):
        benchmark(blank)


@pytest.mark.parametrize("region", ["V4", "IT"])
def test_cornet_rt_gets_a_score_from_the_steps_the_image_has_reached(
    subset25: Path, region: str, tmp_path: Path
) -> None:
    """Its 70-170 ms bin was once served by a step before the image reached V4/IT: NaN."""
    torch.manual_seed(0)
    score = score_model(
        "cornet_rt", f"MajajHong2015-subset25.{region}", data_dir=subset25, cache_dir=tmp_path
    )
    assert np.isfinite([score.raw, score.ceiled]).all() and -1 < score.raw < 1
