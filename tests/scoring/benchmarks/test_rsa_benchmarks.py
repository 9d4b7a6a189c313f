"""Every RSA benchmark end to end on registered models, on the real built data; the numbers
are recomputed here with scipy/numpy, independently of ``scoring.metrics.rsa``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from scipy.spatial.distance import squareform
from scipy.stats import rankdata, spearmanr

from scoring.activations.preprocess import place_on_screen
from scoring.benchmarks import NotApplicable, load_benchmark
from scoring.benchmarks.rsa import RSABenchmark, coggan_rsm
from scoring.brain_model import BrainModel, extract_activations, load_brain_model
from scoring.data.stimuli import StimulusSet
from tests.data import BuiltData

KRIEGESKORTE = ("IT-monkey-rsa", "IT-human-rsa", "similarity-rsa")
COGGAN_REGIONS = ("V1", "V2", "V4", "IT")
N_SUBJECTS = {"IT-monkey-rsa": 1, "IT-human-rsa": 4, "similarity-rsa": 16}


@pytest.fixture(scope="module")
def folders(built_data: BuiltData) -> tuple[Path, ...]:
    return tuple(built_data(name) for name in ("kriegeskorte2008", "coggan2024"))


@pytest.fixture(scope="module")
def cornet_z(tmp_path_factory: pytest.TempPathFactory) -> BrainModel:
    torch.manual_seed(0)  # CORnet ships no weights: a fixed random initialisation
    return load_brain_model("cornet_z", cache_dir=tmp_path_factory.mktemp("activations"))


@pytest.fixture(scope="module")
def it_features(cornet_z: BrainModel, folders: tuple[Path, ...]) -> np.ndarray:
    """cornet_z's IT layer on the 92 images, straight from the extractor (no cache)."""
    benchmark = load_benchmark("Kriegeskorte2008.IT-human-rsa", data_dir=folders)
    assert isinstance(benchmark, RSABenchmark)
    stimuli = benchmark.subject_matrices()[0]
    return np.asarray(extract_activations(cornet_z, stimuli, ["IT.output"])["IT.output"].values)


def rdm_by_hand(features: np.ndarray) -> np.ndarray:
    return 1 - np.corrcoef(features.reshape(len(features), -1).astype(np.float64))


def upper(matrix: np.ndarray) -> np.ndarray:
    return squareform(matrix, checks=False)


@pytest.mark.parametrize("name", KRIEGESKORTE)
def test_kriegeskorte2008_end_to_end(
    name: str, folders: tuple[Path, ...], cornet_z: BrainModel, it_features: np.ndarray
) -> None:
    benchmark = load_benchmark(f"Kriegeskorte2008.{name}", data_dir=folders, n_bootstraps=50)
    assert isinstance(benchmark, RSABenchmark)
    score = benchmark(cornet_z)
    stimuli, subjects = benchmark.subject_matrices()
    assert subjects.shape == (N_SUBJECTS[name], 92, 92)
    if name == "similarity-rsa":
        features = cornet_z.readout_features(stimuli)
        assert score.details["layer"] == "decoder.avgpool"
    else:
        features = it_features
        assert score.details["layer"] == "IT.output"
    model = upper(rdm_by_hand(features))
    per_subject = [spearmanr(model, upper(s)).statistic for s in subjects]
    assert score.raw == pytest.approx(np.mean(per_subject), abs=1e-9)
    assert 0 < score.error < 0.2
    if name == "IT-monkey-rsa":
        assert score.ceiling is None and score.ceiled == score.raw
        return
    ranks = np.stack([rankdata(upper(s)) for s in subjects])  # Nili et al. average ranks
    lower = [
        spearmanr(ranks[s], np.delete(ranks, s, 0).mean(0)).statistic for s in range(len(subjects))
    ]
    assert score.ceiling == pytest.approx(np.mean(lower), abs=1e-9)
    assert score.details["ceiling_lower"] < score.details["ceiling_upper"]
    assert score.ceiled == pytest.approx((max(score.raw, 0) / score.ceiling) ** 2)


@pytest.mark.parametrize("region", COGGAN_REGIONS)
def test_coggan2024_end_to_end_as_published(
    region: str, folders: tuple[Path, ...], cornet_z: BrainModel
) -> None:
    benchmark = load_benchmark(f"Coggan2024.{region}-rsa", data_dir=folders, n_bootstraps=50)
    assert isinstance(benchmark, RSABenchmark)
    score = benchmark(cornet_z)
    stimuli, subjects = benchmark.subject_matrices()
    assert subjects.shape == (9, 24, 24)
    assert not np.allclose(subjects, subjects.transpose(0, 2, 1))  # rows, columns: other runs
    placed = place_on_screen(stimuli, cornet_z.visual_degrees(), 9.0)  # shown at 9 degrees
    layer = f"{region}.output"
    features = extract_activations(cornet_z, placed, [layer])[layer].values
    model = coggan_rsm(features.reshape(24, -1))
    off = ~np.eye(24, dtype=bool)
    per_subject = [np.corrcoef(model[off], s[off])[0, 1] for s in subjects]
    leave_one_out = [
        np.corrcoef(subjects[s][off], np.delete(subjects, s, 0).mean(0)[off])[0, 1]
        for s in range(9)
    ]
    assert score.raw == pytest.approx(np.mean(per_subject), abs=1e-9)
    assert score.ceiling == pytest.approx(np.mean(leave_one_out), abs=1e-12)
    assert score.ceiled == pytest.approx((max(score.raw, 0) / score.ceiling) ** 2)
    assert score.details["layer"] == layer


def test_a_cifar_model_sees_the_images_at_its_own_input_size(folders: tuple[Path, ...]) -> None:
    model = load_brain_model("resnet20_cifar10")
    benchmark = load_benchmark("Kriegeskorte2008.similarity-rsa", data_dir=folders)
    score = benchmark(model)
    assert score.details["layer"] == "avgpool"
    assert score.details["n_features"] == 64  # ResNet-20's pooled features of 32 px inputs
    assert -1 <= score.raw <= 1


@pytest.mark.parametrize("identifier", ["Kriegeskorte2008.IT-human-rsa", "Coggan2024.V1-rsa"])
def test_a_model_without_a_region_layer_is_not_applicable(
    identifier: str, folders: tuple[Path, ...]
) -> None:
    benchmark = load_benchmark(identifier, data_dir=folders)
    with pytest.raises(NotApplicable, match="commits no layer"):
        benchmark(load_brain_model("resnet20_cifar10"))


@pytest.mark.parametrize(
    "identifier",
    ["Kriegeskorte2008.IT-human-rsa", "Kriegeskorte2008.similarity-rsa", "Coggan2024.V2-rsa"],
)
def test_constant_features_are_not_applicable_rather_than_nan(
    identifier: str, folders: tuple[Path, ...], stand_in: type
) -> None:
    """Features the same for every image (an area the image has not reached) give no RDM."""

    class Blank(stand_in):  # type: ignore[misc, valid-type]
        def readout_features(self, stimuli: StimulusSet) -> np.ndarray:
            return np.zeros((len(stimuli), 4))

    benchmark = load_benchmark(identifier, data_dir=folders)
    assert isinstance(benchmark, RSABenchmark)
    stimuli = benchmark.subject_matrices()[0]
    blank = Blank({sid: np.full(6, 0.5) for sid in stimuli.stimulus_ids})
    with pytest.raises(
        NotApplicable, match=r"^the model's features are constant on these images \("
    ):
        benchmark(blank)
