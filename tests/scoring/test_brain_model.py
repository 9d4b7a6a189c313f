"""BrainModel (§2.1): recordings with time bins, behavioral tasks, PCA, placement, caching."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.brain_model import extract_activations, fit_layer_pca, load_brain_model
from scoring.data.stimuli import StimulusSet
from tests.data import DataSource

CIFAR_CLASSES = ["airplane", "automobile", "bird", "cat", "deer",
                 "dog", "frog", "horse", "ship", "truck"]  # fmt: skip


def cifar_stimuli(data_source: DataSource, folder: Path, count: int, start: int = 0) -> StimulusSet:
    rows = list(csv.DictReader((data_source("cifar10") / "test_order.csv").open()))
    rows = rows[start : start + count]
    paths = {}
    with zipfile.ZipFile(data_source("cifar10") / "cifar10_test_jpeg.zip") as archive:
        for row in rows:
            paths[f"cifar{row['test_index']}"] = folder / f"cifar{row['test_index']}.jpg"
            paths[f"cifar{row['test_index']}"].write_bytes(archive.read(row["filename"]))
    labels = [row["class_name"] for row in rows]
    metadata = pd.DataFrame({"stimulus_id": list(paths), "image_label": labels})
    return StimulusSet(f"cifar10-test-{start}-{count}", metadata, paths)


@pytest.fixture
def few(data_source: DataSource, tmp_path: Path) -> StimulusSet:
    return cifar_stimuli(data_source, tmp_path, 3)


def test_it_recording_uses_the_mapped_time_steps(few: StimulusSet) -> None:
    few = few.subset(few.stimulus_ids[:2])
    model = load_brain_model("cornet_s")
    bins = [(70, 170), (150, 160), (160, 170)]
    model.start_recording("IT", bins)
    recording = model.look_at(few)
    assert recording.dims == ("presentation", "neuroid", "time_bin")
    assert recording.shape == (2, 512 * 7 * 7, 3)
    assert list(recording["time_bin_start"].values) == [70, 150, 160]
    assert str(recording["neuroid_id"].values[5]) == "cornet_s.IT.5"
    assert set(recording["region"].values) == {"IT"}
    steps = extract_activations(model, few, ["IT.output"])
    assert np.array_equal(recording.values[..., 0], steps["IT.output-t0"].values)
    assert np.array_equal(recording.values[..., 1], steps["IT.output-t0"].values)
    assert np.array_equal(recording.values[..., 2], steps["IT.output-t1"].values)


def test_cornet_rt_serves_every_bin_from_a_step_the_image_has_reached(few: StimulusSet) -> None:
    """The 70-170 ms bin once went to step 0 of V4 and IT, before the image reaches them: the
    same response for every image (NaN scores on MajajHong2015-subset25)."""
    model = load_brain_model("cornet_rt")
    for region in ("V1", "V2", "V4", "IT"):
        model.start_recording(region, [(70, 170), (0, 250), (200, 210)])
        recording = model.look_at(few)
        for position in range(recording.sizes["time_bin"]):
            responses = recording.values[..., position]
            assert not (responses == responses[0]).all(), (region, position)


def test_probabilities_task_fits_a_readout_and_orders_choices_by_first_appearance(
    data_source: DataSource, tmp_path: Path
) -> None:
    fitting = cifar_stimuli(data_source, tmp_path, 200)  # C = 1e-3 needs some data
    test = cifar_stimuli(data_source, tmp_path, 100, start=200)
    model = load_brain_model("resnet20_cifar10")
    model.start_task("probabilities", fitting)
    probabilities = model.look_at(test)
    assert probabilities.dims == ("presentation", "choice")
    assert list(probabilities["choice"].values) == list(
        dict.fromkeys(fitting.metadata["image_label"])
    )
    assert np.allclose(probabilities.sum("choice"), 1.0)
    predicted = probabilities["choice"].values[probabilities.values.argmax(1)]
    assert (predicted == test.metadata["image_label"].to_numpy()).mean() > 0.5


def test_label_task_uses_the_models_own_head(data_source: DataSource, tmp_path: Path) -> None:
    test = cifar_stimuli(data_source, tmp_path, 60)
    model = load_brain_model("resnet20_cifar10")
    model.start_task("label", CIFAR_CLASSES)
    labels = model.look_at(test)
    assert labels.dims == ("presentation",)
    assert (labels.values == test.metadata["image_label"].to_numpy()).mean() > 0.6


def test_pca_is_fitted_on_designated_images_and_renames_the_model(
    data_source: DataSource, tmp_path: Path
) -> None:
    fit = cifar_stimuli(data_source, tmp_path, 6, start=100)
    model = load_brain_model(
        "resnet20_cifar10", region_layers={"IT": "layer3"}, pca=4, pca_stimuli=fit
    )
    assert model.identifier == "resnet20_cifar10-pca_4"
    model.start_recording("IT", [(70, 170)])
    recording = model.look_at(cifar_stimuli(data_source, tmp_path, 3))
    assert recording.shape == (3, 4, 1)


def test_pca_without_designated_images_is_refused() -> None:
    with pytest.raises(ValueError, match="pca_stimuli"):
        load_brain_model("cornet_z", pca=10)


def test_feed_forward_model_repeats_its_response_over_bins(few: StimulusSet) -> None:
    model = load_brain_model("cornet_z")
    model.start_recording("V4", [(70, 170), (170, 270)])
    recording = model.look_at(few)
    assert np.array_equal(recording.values[..., 0], recording.values[..., 1])


def test_recording_a_region_without_a_layer_is_refused() -> None:
    model = load_brain_model("resnet20_cifar10")
    with pytest.raises(ValueError, match="no layer for region"):
        model.start_recording("IT", [(70, 170)])
    assert model.visual_degrees() == 8.0


def test_layer_selection_helpers_share_one_model(data_source: DataSource, tmp_path: Path) -> None:
    fit = cifar_stimuli(data_source, tmp_path, 5, start=50)
    test = cifar_stimuli(data_source, tmp_path, 3)
    model = load_brain_model("resnet20_cifar10")
    pca = fit_layer_pca(model, fit, ["layer2", "avgpool"], pca=4)
    features = extract_activations(model, test, ["layer2", "avgpool"], pca=pca)
    assert {name: array.shape for name, array in features.items()} == {
        "layer2": (3, 4), "avgpool": (3, 4)
    }  # fmt: skip
    with pytest.raises(KeyError, match="no PCA fitted for layer 'layer3'"):
        extract_activations(model, test, ["layer3"], pca=pca)
    assert model.extractor.batch_hooks == []


def test_label_task_refuses_heads_it_cannot_name() -> None:
    cifar = load_brain_model("resnet20_cifar10")
    with pytest.raises(ValueError, match="10-way head"):
        cifar.start_task("label", "imagenet")
    with pytest.raises(ValueError, match="1000 labels for a 10-way head"):
        cifar.start_task("label", [str(i) for i in range(1000)])
    imagenet = load_brain_model("cornet_z")
    with pytest.raises(ValueError, match="synset"):
        imagenet.start_task("label", "imagenet")
    imagenet.imagenet_synsets = [f"n{i:08d}" for i in range(1000)]
    imagenet.start_task("label", "imagenet")


def test_imagenet_probabilities_are_the_softmax_of_the_own_head_and_are_cached(
    few: StimulusSet, tmp_path: Path
) -> None:
    model = load_brain_model("cornet_z", cache_dir=tmp_path / "cache")
    model.start_task("probabilities", "imagenet")
    probabilities = model.look_at(few)
    assert probabilities.dims == ("presentation", "choice") and probabilities.shape == (3, 1000)
    assert list(probabilities["choice"].values[:3]) == [0, 1, 2]
    np.testing.assert_allclose(probabilities.sum("choice"), 1.0)
    logits = extract_activations(model, few, ["logits"])["logits"].values
    np.testing.assert_allclose(np.log(probabilities.values) - np.log(probabilities.values[:, :1]),
                               logits - logits[:, :1], atol=1e-4)  # fmt: skip
    assert len(list((tmp_path / "cache").rglob("*.nc"))) == 1
    again = model.look_at(few.subset(few.stimulus_ids[::-1], identifier=few.identifier))
    assert list(again["stimulus_id"].values) == few.stimulus_ids[::-1]


def test_imagenet_probabilities_refuse_another_head() -> None:
    cifar = load_brain_model("resnet20_cifar10")
    with pytest.raises(ValueError, match="10-way head"):
        cifar.start_task("probabilities", "imagenet")


def test_readout_features_are_cached_and_follow_the_asked_order(
    few: StimulusSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The similarity RSA and fitted readouts read the readout layer through the cache."""
    model = load_brain_model("resnet20_cifar10", cache_dir=tmp_path / "cache")
    first = model.readout_features(few)
    uncached = load_brain_model("resnet20_cifar10").readout_features(few)
    np.testing.assert_allclose(first, uncached, rtol=1e-6)
    assert first.shape == (3, 64)
    assert len(list((tmp_path / "cache").rglob("*.nc"))) == 1

    def no_extraction(*args: object) -> object:
        raise AssertionError("extracted again")

    monkeypatch.setattr(model.extractor, "raw", no_extraction)
    reversed_ids = few.stimulus_ids[::-1]
    again = model.readout_features(few.subset(reversed_ids, identifier=few.identifier))
    np.testing.assert_allclose(again, first[::-1])
