"""Geirhos2021 shape bias, error consistency and accuracy on the real images and human trials,
through the data build."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest
import torch
import xarray as xr

from scoring.benchmarks import NotApplicable, list_benchmarks, load_benchmark
from scoring.benchmarks.geirhos2021 import Geirhos2021Benchmark
from scoring.brain_model import load_brain_model
from scoring.data.stimuli import StimulusSet
from tests.data import BuiltData

EXPERIMENTS = ("cue-conflict", "edge", "silhouette")
ALL = [
    "Geirhos2021.cue-conflict-shape-bias",
    *[f"Geirhos2021.{e}-{m}" for e in EXPERIMENTS for m in ("error-consistency", "accuracy")],
]


class ImageNetStandIn:
    """A model whose 1000-way probabilities put all mass on one ImageNet class of the category
    it is told to choose for each image (test double)."""

    identifier = "imagenet-stand-in"

    def __init__(self, choices: Mapping[str, str], indices: Mapping[str, list[int]]) -> None:
        self.choices, self.indices = choices, indices

    def visual_degrees(self) -> float:
        return 8.0

    def start_task(self, task: str, fitting_stimuli: object = None) -> None:
        assert (task, fitting_stimuli) == ("probabilities", "imagenet")

    def start_recording(self, region: str, time_bins: object = None) -> None:
        raise AssertionError("no recording in a behavioral benchmark")

    def look_at(self, stimuli: StimulusSet, number_of_trials: int = 1) -> xr.DataArray:
        ids = stimuli.stimulus_ids[::-1]  # any order: the benchmark aligns by stimulus_id
        values = np.zeros((len(ids), 1000))
        for row, sid in enumerate(ids):
            values[row, self.indices[self.choices[sid]][0]] = 1.0
        return xr.DataArray(
            values,
            dims=("presentation", "choice"),
            coords={"stimulus_id": ("presentation", ids), "choice": np.arange(1000)},
        )


def answers_like(benchmark: Geirhos2021Benchmark, subject: int) -> dict[str, str]:
    """The subject's choices; where the person gave none ("na"), a category that is neither
    the image's shape nor its texture (as wrong as no answer, and no cue either)."""
    stimuli, humans = benchmark.load()
    metadata = stimuli.metadata.set_index("stimulus_id")
    categories = sorted(set(metadata["shape"]))
    answers = {}
    for sid, choice in zip(humans.stimulus_ids, humans.choices[subject], strict=True):
        cues = {metadata.at[sid, "shape"], metadata.at[sid, "texture"]}
        answers[sid] = (
            choice if choice in categories else next(c for c in categories if c not in cues)
        )
    return answers


@pytest.fixture(scope="module")
def geirhos(built_data: BuiltData) -> Path:
    return built_data("geirhos2021")


def _benchmark(name: str, folder: Path) -> Geirhos2021Benchmark:
    benchmark = load_benchmark(name, data_dir=folder)
    assert isinstance(benchmark, Geirhos2021Benchmark)
    return benchmark


def _indices(folder: Path) -> dict[str, list[int]]:
    return {
        k: list(v) for k, v in json.loads((folder / "imagenet16_indices.json").read_text()).items()
    }


def test_every_benchmark_is_registered_with_its_data() -> None:
    assert set(ALL) <= set(list_benchmarks("Geirhos2021.*"))


def test_the_build_holds_every_trial_with_provenance(geirhos: Path) -> None:
    for experiment, images in [("cue-conflict", 1280), ("edge", 160), ("silhouette", 160)]:
        benchmark = _benchmark(f"Geirhos2021.{experiment}-accuracy", geirhos)
        stimuli, humans = benchmark.load()
        assert len(stimuli) == images and len(humans.stimulus_ids) == images
        assert len(humans.subjects) == 10
    conflicts = _benchmark("Geirhos2021.cue-conflict-shape-bias", geirhos).load()[0].metadata
    assert int((conflicts["shape"] == conflicts["texture"]).sum()) == 80


def test_the_humans_shape_bias_is_the_published_96_percent(geirhos: Path) -> None:
    # people sometimes gave no answer ("na"): it counts as neither shape nor texture
    benchmark = _benchmark("Geirhos2021.cue-conflict-shape-bias", geirhos)
    score = benchmark(ImageNetStandIn(answers_like(benchmark, 0), _indices(geirhos)))
    biases = score.details["human_shape_biases"]
    assert len(biases) == 10 and min(biases) > 0.85
    assert score.details["human_shape_bias"] == pytest.approx(0.958, abs=0.005)
    # a model choosing as subject-01 did has subject-01's shape bias
    assert score.details["model_shape_bias"] == pytest.approx(biases[0])
    assert 0.95 < score.ceiling < 1 and score.raw > 0.9


@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_a_model_answering_like_one_person_agrees_like_people_do(
    geirhos: Path, experiment: str
) -> None:
    benchmark = _benchmark(f"Geirhos2021.{experiment}-error-consistency", geirhos)
    _, humans = benchmark.load()
    like_first = answers_like(benchmark, 0)
    score = benchmark(ImageNetStandIn(like_first, _indices(geirhos)))
    kappas = score.details["subject_kappas"]
    assert kappas[0] == pytest.approx(1.0)  # itself
    assert score.raw == pytest.approx(np.mean(kappas))
    assert 0.1 < score.ceiling < 0.6
    assert score.ceiled == pytest.approx(score.raw / score.ceiling)
    accuracy = _benchmark(f"Geirhos2021.{experiment}-accuracy", geirhos)
    top1 = accuracy(ImageNetStandIn(like_first, _indices(geirhos)))
    assert top1.raw == pytest.approx(humans.correct[0].mean())
    assert top1.ceiling == 1.0 and top1.ceiled == top1.raw


def test_a_cifar_model_is_not_applicable_and_says_why(geirhos: Path) -> None:
    cifar = load_brain_model("resnet20_cifar10")
    for name in ALL:
        with pytest.raises(NotApplicable, match="1000-way ImageNet"):
            _benchmark(name, geirhos)(cifar)


def test_max_images_keeps_an_even_subset_with_its_trials(geirhos: Path) -> None:
    full_stimuli, full = _benchmark("Geirhos2021.edge-accuracy", geirhos).load()
    small = load_benchmark("Geirhos2021.edge-accuracy", data_dir=geirhos, max_images=40)
    assert isinstance(small, Geirhos2021Benchmark)
    stimuli, humans = small.load()
    assert len(stimuli) == len(humans.stimulus_ids) == 40
    assert humans.stimulus_ids == full.stimulus_ids[::4]
    assert sorted(stimuli.stimulus_ids) == sorted(humans.stimulus_ids)
    column = [full.stimulus_ids.index(sid) for sid in humans.stimulus_ids]
    assert (humans.choices == full.choices[:, column]).all()
    assert stimuli.identifier != full_stimuli.identifier  # not the full set's cache entries
    with pytest.raises(ValueError, match="positive"):
        load_benchmark("Geirhos2021.edge-accuracy", data_dir=geirhos, max_images=0)


def test_every_benchmark_scores_a_registered_imagenet_model_end_to_end(
    geirhos: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    torch.manual_seed(0)
    model = load_brain_model("cornet_z", cache_dir=tmp_path)
    extracted: list[int] = []
    raw = model.extractor.raw

    def counted_raw(stimuli: StimulusSet, layers: list[str]) -> object:
        extracted.append(len(stimuli))
        return raw(stimuli, layers)

    monkeypatch.setattr(model.extractor, "raw", counted_raw)
    for name in ALL:
        benchmark = load_benchmark(name, data_dir=geirhos, max_images=32)
        score = benchmark(model)
        assert np.isfinite([score.raw, score.ceiling, score.ceiled]).all(), name
        assert score.details["n_images"] == 32
        assert 0 <= score.details["model_accuracy"] <= 1
        assert score.details["human_accuracy"] > 0.5
    # the activation cache shares each image set's probabilities between its benchmarks:
    # cue-conflict (3 benchmarks), edge and silhouette (2 each) are each extracted once
    assert extracted == [32, 32, 32]
