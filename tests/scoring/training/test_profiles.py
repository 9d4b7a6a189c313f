from __future__ import annotations

import pytest

from scoring.training.profiles import get_profile, list_profiles, step_learning_rate


@pytest.mark.parametrize(
    ("epoch", "expected"),
    [(0.0, 0.1), (19.99, 0.1), (20.0, 0.01), (40.0, 0.001), (42.5, 0.001)],
)
def test_paper_learning_rate_divides_by_ten_every_twenty_epochs(epoch: float, expected: float):
    assert get_profile("paper").learning_rate(epoch) == pytest.approx(expected, rel=1e-12)


def test_step_learning_rate_uses_the_floor_of_the_fractional_epoch():
    assert step_learning_rate(2.999, 1.0, 3, 0.5) == 1.0
    assert step_learning_rate(3.0, 1.0, 3, 0.5) == 0.5


def test_paper_profile_is_the_cornet_s_recipe():
    paper = get_profile("paper")
    assert (paper.epochs, paper.batch_size, paper.lr) == (43, 256, 0.1)
    assert (paper.momentum, paper.weight_decay) == (0.9, 1e-4)
    assert (paper.lr_step_epochs, paper.lr_gamma) == (20, 0.1)
    assert (paper.input_size, paper.resize_size, paper.crop_scale) == (224, 256, (0.08, 1.0))
    assert paper.seed == 0


def test_the_profiles_are_registered():
    assert list_profiles() == ["cpu-cifar10", "cpu-quick", "paper"]
    assert get_profile("cpu-quick").input_size <= 64
    assert get_profile("cpu-cifar10").input_size == 32


IMAGENET_NORMALISATION = {"mean": (0.485, 0.456, 0.406), "std": (0.229, 0.224, 0.225)}
CIFAR10_ON_CPU = {
    "batch_size": 64, "lr": 0.05, "lr_gamma": 0.1, "momentum": 0.9, "weight_decay": 5e-4,
    "input_size": 32, "resize_size": 32, "crop_scale": (0.35, 1.0), "workers_per_process": 0,
}  # fmt: skip
EVERY_PROFILE = {
    "paper": {
        "epochs": 43, "batch_size": 256, "lr": 0.1, "lr_step_epochs": 20, "lr_gamma": 0.1,
        "momentum": 0.9, "weight_decay": 1e-4, "input_size": 224, "resize_size": 256,
        "crop_scale": (0.08, 1.0), "workers_per_process": 8, "log_every_steps": 50,
    },
    "cpu-quick": {**CIFAR10_ON_CPU, "epochs": 4, "lr_step_epochs": 3, "log_every_steps": 5},
    "cpu-cifar10": {**CIFAR10_ON_CPU, "epochs": 8, "lr_step_epochs": 6, "log_every_steps": 20},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EVERY_PROFILE))
def test_every_profile_keeps_its_values(name: str):
    """Pins every field (the description aside): a run's recipe never changes by accident."""
    fields = get_profile(name).as_dict()
    assert fields.pop("description")
    expected = {
        "name": name, "seed": 0, "keep_checkpoints": 2,
        **IMAGENET_NORMALISATION, **EVERY_PROFILE[name],
    }  # fmt: skip
    assert fields == expected
