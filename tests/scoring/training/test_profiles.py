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
