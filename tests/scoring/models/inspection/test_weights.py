from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from scoring.models.inspection import (
    ExpectedTensor,
    InspectionLimits,
    NonFiniteWeightsError,
    StateDictMismatchError,
    inspect_upload,
)
from scoring.models.inspection.weights import inspect_weights


def _save(path: Path, tensors: dict[str, torch.Tensor]) -> Path:
    save_file({name: tensor.contiguous() for name, tensor in tensors.items()}, str(path))
    return path


def test_matching_weights_pass(
    weights_file: Path, expected_weights: dict[str, ExpectedTensor]
) -> None:
    report = inspect_upload(weights_file, "tiny.safetensors", expected_weights=expected_weights)
    assert report.tensors is not None
    assert set(report.tensors) == set(expected_weights)


def test_missing_key_is_named(
    tmp_path: Path, tiny_model: torch.nn.Module, expected_weights: dict[str, ExpectedTensor]
) -> None:
    state = tiny_model.state_dict()
    del state["IT.0.weight"]
    path = _save(tmp_path / "w.safetensors", state)
    with pytest.raises(StateDictMismatchError, match=r"missing key IT\.0\.weight"):
        inspect_weights(path, expected_weights, InspectionLimits())


def test_wrong_shape_is_described(
    tmp_path: Path, tiny_model: torch.nn.Module, expected_weights: dict[str, ExpectedTensor]
) -> None:
    state = tiny_model.state_dict()
    state["IT.0.weight"] = torch.zeros(8, 16, 1, 1)
    path = _save(tmp_path / "w.safetensors", state)
    expected = r"layer IT\.0\.weight: expected shape \(16, 16, 1, 1\), got \(8, 16, 1, 1\)"
    with pytest.raises(StateDictMismatchError, match=expected):
        inspect_weights(path, expected_weights, InspectionLimits())


def test_unexpected_key_and_wrong_dtype_kind(
    tmp_path: Path, tiny_model: torch.nn.Module, expected_weights: dict[str, ExpectedTensor]
) -> None:
    state = tiny_model.state_dict()
    state["extra.weight"] = torch.zeros(1)
    state["V1.0.bias"] = torch.zeros(8, dtype=torch.int64)
    path = _save(tmp_path / "w.safetensors", state)
    with pytest.raises(StateDictMismatchError) as caught:
        inspect_weights(path, expected_weights, InspectionLimits())
    assert "unexpected key extra.weight" in str(caught.value)
    assert "layer V1.0.bias: expected a floating-point dtype, got I64" in str(caught.value)


def test_half_precision_and_missing_batch_counter_are_accepted(
    tmp_path: Path, tiny_model: torch.nn.Module, expected_weights: dict[str, ExpectedTensor]
) -> None:
    state = {
        k: v.half() if v.is_floating_point() else v for k, v in tiny_model.state_dict().items()
    }
    del state["V1.1.num_batches_tracked"]
    path = _save(tmp_path / "w.safetensors", state)
    assert "V1.0.weight" in inspect_weights(path, expected_weights, InspectionLimits())


@pytest.mark.parametrize("bad_value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_weights_are_refused(
    tmp_path: Path,
    tiny_model: torch.nn.Module,
    expected_weights: dict[str, ExpectedTensor],
    bad_value: float,
) -> None:
    state = tiny_model.state_dict()
    state["V4.0.weight"][0, 0, 0, 0] = bad_value
    path = _save(tmp_path / "w.safetensors", state)
    with pytest.raises(NonFiniteWeightsError, match=r"layer V4\.0\.weight: .*NaN or infinite"):
        inspect_weights(path, expected_weights, InspectionLimits())


def test_safetensors_without_architecture_is_refused(weights_file: Path) -> None:
    with pytest.raises(ValueError, match=r"need an architecture"):
        inspect_upload(weights_file, "tiny.safetensors")
