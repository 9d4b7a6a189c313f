"""Digits-transfer (real bundled digits) and Kar2019-ost (on SYNTHETIC BrainIO files)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from scoring.benchmarks import load_benchmark
from scoring.benchmarks.kar2019 import TIME_BINS
from scoring.benchmarks.transfer import DigitsTransfer, render_digits
from scoring.data.brainio import write_assembly, write_stimulus_set
from scoring.data.stimuli import StimulusSet


def test_digits_are_rendered_in_order_with_labels(tmp_path: Path) -> None:
    digits = render_digits(tmp_path)
    assert len(digits) == 1797
    assert digits.metadata["image_label"].iloc[:3].tolist() == ["0", "1", "2"]


def test_a_digit_subset_is_stratified(tmp_path: Path) -> None:
    digits = render_digits(tmp_path, n_per_class=3)
    assert len(digits) == 30
    assert digits.metadata["image_label"].value_counts().eq(3).all()
    assert all(digits.path(sid).exists() for sid in digits.stimulus_ids)


def test_the_default_digits_benchmark_keeps_the_spec_parameters() -> None:
    benchmark = load_benchmark("Digits-transfer")
    assert isinstance(benchmark, DigitsTransfer)
    assert benchmark.n_folds == 5 and benchmark.n_per_class is None
    assert benchmark.c_grid == pytest.approx(np.logspace(np.log10(5e-4), np.log10(5e-2), 10))


def test_pixels_transfer_well_to_digits(stand_in: type) -> None:
    quick = {"c_grid": (0.0005, 0.005, 0.05), "n_folds": 2, "n_per_class": 40}
    score = load_benchmark("Digits-transfer", **quick)(stand_in())
    assert 0.85 < score.raw <= 1.0
    assert score.ceiled == score.raw
    assert score.details["C"] in score.details["c_grid"]
    assert score.details["n_images"] == 400 and score.details["n_folds"] == 2


@pytest.fixture(scope="module")
def kar_like(tmp_path_factory: pytest.TempPathFactory, write_images) -> Path:
    """SYNTHETIC Kar2019-shaped files: 200 images of 10 objects, OST per decoder."""
    folder = tmp_path_factory.mktemp("kar-like")
    rng = np.random.RandomState(0)
    ids = [f"kar{i:04d}" for i in range(200)]
    labels = [f"object{i % 10}" for i in range(200)]
    meta = pd.DataFrame(
        {"stimulus_id": ids, "filename": [f"{s}.png" for s in ids], "image_label": labels}
    )
    stimuli = StimulusSet("Kar2019", meta, write_images(meta, folder / "images"))
    write_stimulus_set(stimuli, folder / "stimulus_Kar2019.csv", folder / "stimulus_Kar2019.zip")
    ost = rng.uniform(90, 200, size=(2, 200))
    assembly = xr.DataArray(
        ost,
        dims=("decoder", "presentation"),
        coords={
            "decoder": ["svm", "logistic"],
            "stimulus_id": ("presentation", ids),
            "image_label": ("presentation", labels),
            "i1": ("presentation", rng.uniform(0.5, 2.0, size=200)),
        },
        attrs={"identifier": "dicarlo.Kar2019", "stimulus_set_identifier": "Kar2019"},
    )
    write_assembly(assembly, folder / "assy_dicarlo_Kar2019.nc")
    return folder


def test_feed_forward_models_get_nan_and_the_static_flag(kar_like: Path, stand_in: type) -> None:
    rng = np.random.RandomState(1)
    flat = {f"kar{i:04d}": np.repeat(rng.randn(20, 1), len(TIME_BINS), axis=1) for i in range(200)}
    model = stand_in(features_over_time=flat)
    score = load_benchmark("Kar2019-ost", data_dir=kar_like, verify_sha1=False, n_splits=2)(model)
    assert model.recorded == [("IT", TIME_BINS)]
    assert np.isnan(score.raw)
    assert score.details["static_model"] is True
    assert score.details["decoder"] == "svm"
