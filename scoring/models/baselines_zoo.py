"""Registry entries for the baselines: CIFAR ResNets (with shipped weights) and ImageNet
architectures (no weights; trained by administrators or uploaded by users)."""

from __future__ import annotations

from pathlib import Path

from torch import nn

from scoring.models.cifar_resnet import cifar_resnet
from scoring.models.imagenet import (
    VGG,
    AlexNet,
    BasicBlock,
    Bottleneck,
    DenseNet,
    MobileNetV2,
    ResNet,
)
from scoring.models.registry import ModelInfo, register_model

WEIGHTS_DIR = Path(__file__).resolve().parents[2] / "data" / "weights"

HE_2016 = "He, Zhang, Ren, Sun. Deep Residual Learning for Image Recognition. CVPR 2016"
HE_2016_BIBTEX = """@inproceedings{he2016deep,
  title={Deep Residual Learning for Image Recognition},
  author={He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},
  booktitle={CVPR}, pages={770--778}, year={2016}
}"""


def _cifar_info(depth: int) -> ModelInfo:
    stages = ("layer1", "layer2", "layer3")
    return ModelInfo(
        name=f"resnet{depth}_cifar10",
        family="resnet_cifar",
        input_size=32,
        num_classes=10,
        depth=depth,
        region_layers={},
        behavioral_readout="avgpool",
        candidate_layers=(*stages, "avgpool"),
        reference=HE_2016 + "; weights: akamaster/pytorch_resnet_cifar10 (BSD-2-Clause)",
        bibtex=HE_2016_BIBTEX,
        default_weights=WEIGHTS_DIR / f"resnet{depth}_cifar10.safetensors",
        description=f"CIFAR-10 ResNet-{depth} (option-A shortcuts), trained on CIFAR-10 "
        "(91.8% / 93.6% top-1 on the original test images for 20 / 56).",
    )


@register_model("resnet20_cifar10", info=_cifar_info(20))
def resnet20_cifar10(num_classes: int = 10) -> nn.Module:
    return cifar_resnet(20, num_classes)


@register_model("resnet56_cifar10", info=_cifar_info(56))
def resnet56_cifar10(num_classes: int = 10) -> nn.Module:
    return cifar_resnet(56, num_classes)


def _imagenet_info(
    name: str, depth: int, candidates: tuple[str, ...], reference: str, readout: str = ""
) -> ModelInfo:
    return ModelInfo(
        name=name,
        family=name.rstrip("0123456789_v"),
        input_size=224,
        num_classes=1000,
        depth=depth,
        region_layers={},
        behavioral_readout=readout or candidates[-1],
        candidate_layers=candidates,
        reference=reference,
        description=f"{name} (torchvision-compatible keys, no shipped weights).",
    )


ALEXNET_LAYERS = (
    "features.2", "features.5", "features.7", "features.9", "features.12",
    "classifier.2", "classifier.5",
)  # fmt: skip
VGG16_LAYERS = (
    "features.4", "features.9", "features.16", "features.23", "features.30",
    "classifier.1", "classifier.4",
)  # fmt: skip
RESNET_LAYERS = ("layer1", "layer2", "layer3", "layer4", "avgpool")
DENSENET_LAYERS = (
    "features.denseblock1", "features.transition1", "features.denseblock2",
    "features.transition2", "features.denseblock3", "features.transition3",
    "features.denseblock4", "avgpool",
)  # fmt: skip
MOBILENET_LAYERS = (
    "features.2", "features.4", "features.7", "features.11", "features.14", "features.17",
    "features.18", "avgpool",
)  # fmt: skip


@register_model(
    "alexnet",
    info=_imagenet_info(
        "alexnet", 8, ALEXNET_LAYERS, "Krizhevsky, Sutskever, Hinton. NeurIPS 2012"
    ),
)
def alexnet(num_classes: int = 1000) -> nn.Module:
    return AlexNet(num_classes)


@register_model(
    "vgg16",
    info=_imagenet_info("vgg16", 16, VGG16_LAYERS, "Simonyan, Zisserman. ICLR 2015"),
)
def vgg16(num_classes: int = 1000) -> nn.Module:
    return VGG(num_classes=num_classes)


@register_model("resnet18", info=_imagenet_info("resnet18", 18, RESNET_LAYERS, HE_2016))
def resnet18(num_classes: int = 1000) -> nn.Module:
    return ResNet(BasicBlock, (2, 2, 2, 2), num_classes)


@register_model("resnet50", info=_imagenet_info("resnet50", 50, RESNET_LAYERS, HE_2016))
def resnet50(num_classes: int = 1000) -> nn.Module:
    return ResNet(Bottleneck, (3, 4, 6, 3), num_classes)


@register_model(
    "densenet169",
    info=_imagenet_info("densenet169", 169, DENSENET_LAYERS, "Huang et al. CVPR 2017"),
)
def densenet169(num_classes: int = 1000) -> nn.Module:
    return DenseNet((6, 12, 32, 32), num_classes=num_classes)


@register_model(
    "mobilenet_v2",
    # Depth 53 by the paper's definition; the paper's own table lists 151 for MobileNet-v2,
    # apparently a count of all graph layers (docs/models.md).
    info=_imagenet_info("mobilenet_v2", 53, MOBILENET_LAYERS, "Sandler et al. CVPR 2018"),
)
def mobilenet_v2(num_classes: int = 1000) -> nn.Module:
    return MobileNetV2(num_classes)
