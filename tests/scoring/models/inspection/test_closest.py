"""The registered architecture an upload does fit, by the names and shapes in its header."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from scoring.models.inspection import (
    StateDictMismatchError,
    closest_architecture,
    expected_for_architecture,
    expected_state,
    inspect_upload,
)

CANDIDATES = ("resnet20_cifar10", "resnet56_cifar10", "cornet_z")


def shapes_of(arch: str) -> dict[str, tuple[int, ...]]:
    return dict(expected_state(arch))


def test_expected_state_is_names_and_shapes_of_the_registered_state_dict() -> None:
    state = expected_state("resnet20_cifar10")
    assert state["linear.weight"] == (10, 64)
    assert set(state) == set(expected_for_architecture("resnet20_cifar10"))


def test_a_file_of_another_architecture_is_named_exactly() -> None:
    best = closest_architecture(shapes_of("resnet56_cifar10"), CANDIDATES)
    assert best is not None and best.architecture == "resnet56_cifar10" and best.exact
    assert "fits the registered architecture 'resnet56_cifar10' exactly" in best.describe()


def test_a_data_parallel_prefix_is_seen_through() -> None:
    wrapped = {f"module.{name}": shape for name, shape in shapes_of("cornet_z").items()}
    best = closest_architecture(wrapped, CANDIDATES)
    assert best is not None and best.architecture == "cornet_z" and best.strip_prefix == "module."
    assert "once the key prefix 'module.' is removed" in best.describe()


def test_renamed_keys_are_matched_by_shape() -> None:
    renamed = {f"layer{i}": shape for i, shape in enumerate(shapes_of("resnet20_cifar10").values())}
    best = closest_architecture(renamed, CANDIDATES)
    assert best is not None and best.architecture == "resnet20_cifar10" and not best.by_name


def test_a_partial_fit_is_counted() -> None:
    shapes = shapes_of("resnet20_cifar10")
    shapes["linear.weight"] = (100, 64)
    best = closest_architecture(shapes, CANDIDATES)
    assert best is not None and best.architecture == "resnet20_cifar10" and not best.exact
    assert best.matching == best.total - 1


def test_nothing_alike_names_no_architecture() -> None:
    assert closest_architecture({"a": (7, 7), "b": (3,)}, CANDIDATES) is None


def test_the_refusal_names_the_architecture_the_file_fits(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    tensors = {name: torch.zeros(shape) for name, shape in shapes_of("resnet20_cifar10").items()}
    save_file(tensors, str(path))
    expected = expected_for_architecture("resnet56_cifar10")
    with pytest.raises(StateDictMismatchError) as refusal:
        inspect_upload(
            path, "w.safetensors", expected_weights=expected, architecture="resnet56_cifar10"
        )
    message = str(refusal.value)
    assert "missing key" in message
    assert "fits the registered architecture 'resnet20_cifar10' exactly" in message
