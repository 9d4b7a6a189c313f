"""A synthetic stand-in for scoring.models in the sandbox tests (a factory with the same signature).

Bound read-only into the sandbox as a code package, like ``scoring`` is in production.
"""

from __future__ import annotations

import torch
from torch import nn


class TinyAreas(nn.Module):
    """Four conv areas named like a brain model's (V1, V2, V4, IT) and a 10-way readout."""

    def __init__(self) -> None:
        super().__init__()
        self.V1 = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.V2 = nn.Sequential(nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.ReLU())
        self.V4 = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU())
        self.IT = nn.Sequential(nn.Conv2d(16, 16, 1), nn.ReLU())
        self.decoder = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.IT(self.V4(self.V2(self.V1(images)))))


def create_model(name: str, pretrained: bool = False) -> nn.Module:
    factories = {"tiny_areas": TinyAreas, "tiny_recurrent": TinyRecurrent}
    if name not in factories or pretrained:
        raise KeyError(f"unknown model {name!r}")
    return factories[name]()


class TinyRecurrent(nn.Module):
    """An IT area applied three times with shared weights: one hook call per time step."""

    def __init__(self) -> None:
        super().__init__()
        self.V1 = nn.Conv2d(3, 4, 3, stride=4)
        self.IT = nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), nn.ReLU())

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        state = self.V1(images)
        for _ in range(3):
            state = self.IT(state) + state
        return state.mean(dim=(2, 3))
