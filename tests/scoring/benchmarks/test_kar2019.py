"""Kar2019-ost: both decoders' primate targets (the paper's logistic, the current svm)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from scoring.benchmarks import NotApplicable, load_benchmark
from scoring.benchmarks.kar2019 import by_decoder_values, decoders, primate_solution_times
from scoring.brain_model import load_brain_model
from scoring.score import Score


def _assembly() -> xr.DataArray:
    """SYNTHETIC: three images, OSTs per decoder."""
    values = np.array([[100.0, 110.0], [150.0, 140.0], [np.nan, 200.0]])
    return xr.DataArray(
        values,
        dims=("presentation", "decoder"),
        coords={"stimulus_id": ("presentation", ["a", "b", "c"]), "decoder": ["svm", "logistic"]},
    )


def test_every_decoder_of_the_assembly_is_a_target() -> None:
    assembly = _assembly()
    assert decoders(assembly) == ["svm", "logistic"]
    logistic = primate_solution_times(assembly, "logistic")
    assert list(logistic.values) == [110.0, 140.0, 200.0]
    assert decoders(logistic) == ["svm"]  # an assembly without the dimension: the current one


def test_by_decoder_values_are_json_ready() -> None:
    values = by_decoder_values(Score(raw=math.nan, error=math.nan, ceiling=0.79, ceiled=math.nan))
    assert values == {"raw": None, "ceiled": None, "error": None}
    assert (
        by_decoder_values(Score(raw=0.2, error=0.01, ceiling=0.79, ceiled=0.2 / 0.79))["raw"] == 0.2
    )


def test_a_model_committing_no_it_layer_is_not_applicable(tmp_path: Path) -> None:
    """A generic model (or an ImageNet model, whose IT layer is chosen per benchmark) has no IT
    layer to record 18 bins from: not applicable, not a crash."""
    benchmark = load_benchmark("Kar2019-ost", data_dir=tmp_path)
    with pytest.raises(NotApplicable, match="commits no layer to IT"):
        benchmark.score(load_brain_model("resnet20_cifar10"), lambda *_: None)
