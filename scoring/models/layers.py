"""Small building blocks shared by several architectures."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class Identity(nn.Module):
    """A named pass-through, so that hooks can grab a block's output by name."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


class Flatten(nn.Module):
    """Flatten all but the batch dimension."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.size(0), -1)


class StridedConv2d(nn.Conv2d):
    """A Conv2d whose stride can be chosen per call, without mutating the module.

    CORnet-S reuses one 3x3 convolution with stride 2 at the first time step and stride 1
    afterwards; the reference sets ``conv.stride`` inside ``forward``, which is a side effect
    that breaks tracing and concurrent use. Here the stride is an argument instead.
    """

    def forward(self, x: torch.Tensor, stride: int | None = None) -> torch.Tensor:
        if stride is None:
            return super().forward(x)
        return F.conv2d(x, self.weight, self.bias, stride, self.padding, self.dilation, self.groups)


def conv_bn_relu(
    in_channels: int, out_channels: int, kernel: int, stride: int = 1, groups: int = 1
) -> nn.Sequential:
    """Conv (no bias) + BatchNorm + ReLU6, the MobileNet-v2 unit (keys 0, 1, 2)."""
    return nn.Sequential(
        nn.Conv2d(
            in_channels, out_channels, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False
        ),
        nn.BatchNorm2d(out_channels),
        nn.ReLU6(inplace=True),
    )
