"""Fixtures for the training tests: a small real CIFAR-10 subset and a tiny network."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from torch import nn

from scoring.training.cifar10 import extract_imagefolder
from tests.data import DataSource

TINY_NET_SOURCE = """
def tiny_net():
    from torch import nn
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(32, 10),
    )
"""


def _tiny_net_factory() -> Callable[[], nn.Module]:
    namespace: dict[str, object] = {}
    exec(TINY_NET_SOURCE, namespace)
    factory = namespace["tiny_net"]
    assert callable(factory)
    return factory  # type: ignore[return-value]


@pytest.fixture(scope="session")
def tiny_net_source() -> str:
    """Source defining ``tiny_net()``, for scripts run in a subprocess."""
    return TINY_NET_SOURCE


@pytest.fixture(scope="session")
def tiny_net() -> Callable[[], nn.Module]:
    """Built only from torch.nn classes, so spawned ranks can unpickle it."""
    return _tiny_net_factory()


@pytest.fixture(scope="session")
def cifar_subset(data_source: DataSource, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 train images per class (300) and 10 test images per class (100), real CIFAR-10 JPEGs."""
    out = tmp_path_factory.mktemp("cifar") / "subset"
    return extract_imagefolder(data_source("cifar10"), out, train_per_class=30, val_per_class=10)
