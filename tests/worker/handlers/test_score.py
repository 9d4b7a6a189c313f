"""Pieces of the score handler that need no services: failure reasons, the architecture a set of
trained weights is scored with, finite values."""

from pathlib import Path

from scoring.benchmarks import DataNotInstalled
from scoring.models import create_model, model_info
from worker.handlers.score import failure_reason, finite, scoring_architecture


def test_data_not_installed_keeps_the_library_message() -> None:
    error = DataNotInstalled("X-pls", ["a.nc"], Path("/data"))
    assert failure_reason(error) == str(error)
    assert "data not installed" in failure_reason(error)


def test_unexpected_errors_name_their_type() -> None:
    assert failure_reason(ValueError("shape")) == "scoring failed: ValueError: shape"


def test_weights_with_the_registry_head_score_with_the_architecture_itself() -> None:
    assert scoring_architecture("cornet_z", {}) == "cornet_z"
    assert scoring_architecture("resnet20_cifar10", {"num_classes": 10, "input_size": 32}) == (
        "resnet20_cifar10"
    )


def test_cifar_trained_cornet_scores_with_a_ten_class_32px_variant() -> None:
    name = scoring_architecture("cornet_z", {"num_classes": 10, "input_size": 32})
    assert name == scoring_architecture("cornet_z", {"num_classes": 10, "input_size": 32})
    info = model_info(name)
    assert (info.num_classes, info.input_size, info.default_weights) == (10, 32, None)
    assert info.region_layers == model_info("cornet_z").region_layers
    assert create_model(name).decoder.linear.out_features == 10


def test_non_finite_values_become_none() -> None:
    assert [finite(v) for v in (None, float("nan"), float("inf"), 0.25)] == [None, None, None, 0.25]
