"""ImageNet baselines written here with torchvision-compatible state-dict keys (no weights).

AlexNet, VGG-16, ResNet-18/50, DenseNet-169 and MobileNet-v2, as in torchvision's model
definitions, so that weights trained elsewhere load unchanged. torchvision itself is not a
dependency (see docs/models.md). Functional steps of torchvision's forward (ReLU after the
DenseNet features, global pooling) are named parameter-free modules here, so hooks reach them.
"""

from __future__ import annotations

import torch
from torch import nn

from scoring.models.layers import Flatten, conv_bn_relu

# ----------------------------------------------------------------------------- AlexNet / VGG


class AlexNet(nn.Module):
    def __init__(self, num_classes: int = 1000):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
        )  # fmt: skip
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.flatten = Flatten()
        self.classifier = _mlp_head(256 * 6 * 6, num_classes, dropout_first=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.flatten(self.avgpool(self.features(x))))


def _mlp_head(in_features: int, num_classes: int, dropout_first: bool) -> nn.Sequential:
    """AlexNet: Dropout, FC, ReLU, Dropout, FC, ReLU, FC. VGG: FC, ReLU, Dropout x2, FC."""
    if dropout_first:
        return nn.Sequential(
            nn.Dropout(), nn.Linear(in_features, 4096), nn.ReLU(inplace=True),
            nn.Dropout(), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )  # fmt: skip
    return nn.Sequential(
        nn.Linear(in_features, 4096), nn.ReLU(inplace=True), nn.Dropout(),
        nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(),
        nn.Linear(4096, num_classes),
    )  # fmt: skip


VGG16_CONFIG = (
    64,
    64,
    "M",
    128,
    128,
    "M",
    256,
    256,
    256,
    "M",
    512,
    512,
    512,
    "M",
    512,
    512,
    512,
    "M",
)


class VGG(nn.Module):
    def __init__(self, config: tuple[int | str, ...] = VGG16_CONFIG, num_classes: int = 1000):
        super().__init__()
        layers: list[nn.Module] = []
        channels = 3
        for item in config:
            if item == "M":
                layers.append(nn.MaxPool2d(2, 2))
                continue
            assert isinstance(item, int)
            layers += [nn.Conv2d(channels, item, 3, padding=1), nn.ReLU(inplace=True)]
            channels = item
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.flatten = Flatten()
        self.classifier = _mlp_head(512 * 7 * 7, num_classes, dropout_first=False)
        _init_torchvision_style(self, linear_std=0.01)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.flatten(self.avgpool(self.features(x))))


def _init_torchvision_style(model: nn.Module, linear_std: float | None) -> None:
    """He (fan_out) convs, unit BN, and N(0, linear_std) linears where torchvision does so."""
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Linear) and linear_std is not None:
            nn.init.normal_(module.weight, 0.0, linear_std)
            nn.init.zeros_(module.bias)


# ----------------------------------------------------------------------------- ResNet


def _downsample(in_planes: int, out_planes: int, stride: int) -> nn.Sequential | None:
    if stride == 1 and in_planes == out_planes:
        return None
    return nn.Sequential(
        nn.Conv2d(in_planes, out_planes, 1, stride=stride, bias=False), nn.BatchNorm2d(out_planes)
    )


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes: int, planes: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = _downsample(in_planes, planes, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + identity)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, in_planes: int, planes: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = _downsample(in_planes, planes * 4, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        return self.relu(self.bn3(self.conv3(out)) + identity)


class ResNet(nn.Module):
    def __init__(
        self,
        block: type[BasicBlock | Bottleneck],
        layers: tuple[int, int, int, int],
        num_classes: int = 1000,
    ):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        in_planes = 64
        for index, (planes, count) in enumerate(zip((64, 128, 256, 512), layers, strict=True)):
            stride = 1 if index == 0 else 2
            blocks = [block(in_planes, planes, stride)]
            in_planes = planes * block.expansion
            blocks += [block(in_planes, planes) for _ in range(count - 1)]
            self.add_module(f"layer{index + 1}", nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.flatten = Flatten()
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        _init_torchvision_style(self, linear_std=None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for name in ("layer1", "layer2", "layer3", "layer4"):
            x = self.get_submodule(name)(x)
        return self.fc(self.flatten(self.avgpool(x)))


# ----------------------------------------------------------------------------- DenseNet


class DenseLayer(nn.Module):
    def __init__(self, in_features: int, growth: int, bottleneck: int):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(in_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(in_features, bottleneck * growth, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bottleneck * growth)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bottleneck * growth, growth, 3, padding=1, bias=False)

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        x = self.conv1(self.relu1(self.norm1(torch.cat(features, 1))))
        return self.conv2(self.relu2(self.norm2(x)))


class DenseBlock(nn.ModuleDict):
    def __init__(self, n_layers: int, in_features: int, growth: int, bottleneck: int):
        super().__init__()
        for index in range(n_layers):
            layer = DenseLayer(in_features + index * growth, growth, bottleneck)
            self.add_module(f"denselayer{index + 1}", layer)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for layer in self.values():
            features.append(layer(features))
        return torch.cat(features, 1)


def _transition(in_features: int, out_features: int) -> nn.Sequential:
    transition = nn.Sequential()
    transition.add_module("norm", nn.BatchNorm2d(in_features))
    transition.add_module("relu", nn.ReLU(inplace=True))
    transition.add_module("conv", nn.Conv2d(in_features, out_features, 1, bias=False))
    transition.add_module("pool", nn.AvgPool2d(2, 2))
    return transition


class DenseNet(nn.Module):
    def __init__(
        self,
        blocks: tuple[int, ...] = (6, 12, 32, 32),
        growth: int = 32,
        init_features: int = 64,
        bottleneck: int = 4,
        num_classes: int = 1000,
    ):
        super().__init__()
        self.features = nn.Sequential()
        self.features.add_module("conv0", nn.Conv2d(3, init_features, 7, 2, 3, bias=False))
        self.features.add_module("norm0", nn.BatchNorm2d(init_features))
        self.features.add_module("relu0", nn.ReLU(inplace=True))
        self.features.add_module("pool0", nn.MaxPool2d(3, 2, 1))
        width = init_features
        for index, n_layers in enumerate(blocks):
            block = DenseBlock(n_layers, width, growth, bottleneck)
            self.features.add_module(f"denseblock{index + 1}", block)
            width += n_layers * growth
            if index < len(blocks) - 1:
                self.features.add_module(f"transition{index + 1}", _transition(width, width // 2))
                width //= 2
        self.features.add_module("norm5", nn.BatchNorm2d(width))
        self.relu = nn.ReLU(inplace=True)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = Flatten()
        self.classifier = nn.Linear(width, num_classes)
        _init_torchvision_style(self, linear_std=None)
        nn.init.zeros_(self.classifier.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.avgpool(self.relu(self.features(x)))
        return self.classifier(self.flatten(x))


# ----------------------------------------------------------------------------- MobileNet-v2

MOBILENET_V2_SETTINGS = (  # expansion t, channels c, repeats n, first stride s
    (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
    (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
)  # fmt: skip


class InvertedResidual(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int, expansion: int):
        super().__init__()
        hidden = in_channels * expansion
        self.use_residual = stride == 1 and in_channels == out_channels
        layers: list[nn.Module] = []
        if expansion != 1:
            layers.append(conv_bn_relu(in_channels, hidden, 1))
        layers += [
            conv_bn_relu(hidden, hidden, 3, stride=stride, groups=hidden),
            nn.Conv2d(hidden, out_channels, 1, bias=False),
            nn.BatchNorm2d(out_channels),
        ]
        self.conv = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv(x) if self.use_residual else self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, num_classes: int = 1000, last_channel: int = 1280):
        super().__init__()
        layers: list[nn.Module] = [conv_bn_relu(3, 32, 3, stride=2)]
        channels = 32
        for expansion, out_channels, repeats, stride in MOBILENET_V2_SETTINGS:
            for index in range(repeats):
                layers.append(
                    InvertedResidual(channels, out_channels, stride if index == 0 else 1, expansion)
                )
                channels = out_channels
        layers.append(conv_bn_relu(channels, last_channel, 1))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = Flatten()
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(last_channel, num_classes))
        _init_torchvision_style(self, linear_std=0.01)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.flatten(self.avgpool(self.features(x))))
