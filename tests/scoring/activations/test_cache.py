"""The activations cache: a hit returns identical arrays; model, region, time bins, weights and
PCA settings are all part of the key (V4 and IT never collide, nor two models)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
import xarray as xr

from scoring.activations.cache import ActivationsCache, CacheKey
from scoring.brain_model import BrainModel, load_brain_model
from scoring.data.stimuli import StimulusSet


def _cached_model(cache_dir: Path) -> BrainModel:
    return load_brain_model("cornet_z", cache_dir=cache_dir)


def _forbid_extraction(model: BrainModel, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("extraction ran although the cache should have answered")

    monkeypatch.setattr(model.extractor, "raw", refuse)


def test_cache_hit_returns_identical_arrays(
    stimuli: StimulusSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _cached_model(tmp_path)
    model.start_recording("IT", [(70, 170)])
    first = model.look_at(stimuli)
    _forbid_extraction(model, monkeypatch)
    second = model.look_at(stimuli)
    assert np.array_equal(first.values, second.values)
    for name in ("neuroid_id", "stimulus_id", "image_label", "test_index", "time_bin_start"):
        assert list(first[name].values) == list(second[name].values)
    assert second["test_index"].dtype.kind == "i"
    reordered = stimuli.subset(stimuli.stimulus_ids[::-1], identifier=stimuli.identifier)
    third = model.look_at(reordered)
    assert list(third["stimulus_id"].values) == reordered.stimulus_ids
    assert np.array_equal(third.values, first.values[::-1])


def test_v4_and_it_never_collide(stimuli: StimulusSet, tmp_path: Path) -> None:
    model = _cached_model(tmp_path)
    model.start_recording("V4", [(70, 170)])
    v4 = model.look_at(stimuli)
    model.start_recording("IT", [(70, 170)])
    it = model.look_at(stimuli)
    assert v4.shape != it.shape and set(it["region"].values) == {"IT"}
    assert len(list(tmp_path.rglob("*.nc"))) == 2


def test_two_models_in_one_cache_never_share_activations(
    stimuli: StimulusSet, tmp_path: Path
) -> None:
    """These three models' V4 outputs have one shape (256 x 14 x 14), so an entry of one served
    to another would pass unnoticed; CORnet-S and its no-skip variant also read V4 at the same
    time step, so only the model and its weights tell their entries apart."""
    names = ("cornet_rt", "cornet_s", "cornet_s_noskip")
    recordings = []
    for name in names:
        torch.manual_seed(0)  # one seed for all, as scripts/real_suite_table.py does
        model = load_brain_model(name, cache_dir=tmp_path)
        model.start_recording("V4", [(70, 170)])
        recordings.append(model.look_at(stimuli).values)
    assert len({values.shape for values in recordings}) == 1
    for index, values in enumerate(recordings):
        assert not any(np.allclose(values, other) for other in recordings[index + 1 :])
    assert len(list(tmp_path.rglob("*.nc"))) == len(names)


def test_every_key_field_changes_the_digest() -> None:
    base = CacheKey("cornet_s", "abc", {"input_size": 224}, "hvm", "sha", "IT.output", "IT",
                    ((70, 170),))  # fmt: skip
    variants = [
        replace(base, model="cornet_rt"),
        replace(base, kind="readout"),
        replace(base, stimulus_set="hvm-placed"),
        replace(base, time_bins=((70, 80),)),
        replace(base, weights_sha256="abd"),
        replace(base, layer="V4.output", region="V4"),
        replace(base, region="V4"),
        replace(base, stimulus_sha1="sha2"),
        replace(base, preprocessing={"input_size": 256}),
        replace(base, pca={"n_components": 1000}),
        replace(base, time_steps=(0,)),
        replace(base, time_steps=(1,)),
    ]
    assert len({key.digest() for key in [base, *variants]}) == len(variants) + 1


def test_keys_without_time_steps_keep_the_digest_they_had_before_the_field() -> None:
    """Feed-forward models' cached activations stay valid (digest computed before the field)."""
    key = CacheKey("resnet20_cifar10", "abc", {}, "hvm", "sha", "layer3", "IT", ((70, 170),))
    assert key.digest() == "c7906dd8fe93021608bb3cbaa68cb31f1d05258bc5d5b457200d1511226fd7d6"


def test_different_time_bins_are_stored_apart(tmp_path: Path) -> None:
    cache = ActivationsCache(tmp_path)
    key = CacheKey("m", "w", {}, "s", "h", "IT.output", "IT", ((70, 170),))
    other = CacheKey("m", "w", {}, "s", "h", "IT.output", "IT", ((70, 80),))
    cache.store(key, xr.DataArray(np.ones((2, 3)), dims=("presentation", "neuroid")))
    assert cache.load(other) is None
    loaded = cache.load(key)
    assert loaded is not None and np.array_equal(loaded.values, np.ones((2, 3)))
