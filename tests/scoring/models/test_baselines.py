"""Baselines: ImageNet architectures have torchvision's published parameter counts; the CIFAR
ResNets load the shipped akamaster weights and classify real CIFAR-10 test JPEGs."""

from __future__ import annotations

import csv
import io
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from scoring.models import create_model, model_info, parameter_count
from scoring.models.weights import read_state_dict
from tests.data import DataSource

TORCHVISION_PARAMETER_COUNTS = {
    "alexnet": 61_100_840,
    "vgg16": 138_357_544,
    "resnet18": 11_689_512,
    "resnet50": 25_557_032,
    "densenet169": 14_149_480,
    "mobilenet_v2": 3_504_872,
}


@pytest.mark.parametrize("name", sorted(TORCHVISION_PARAMETER_COUNTS))
def test_imagenet_architecture_has_torchvision_parameter_count(name: str) -> None:
    assert parameter_count(create_model(name)) == TORCHVISION_PARAMETER_COUNTS[name]


def test_torchvision_style_key_names() -> None:
    keys = set(create_model("densenet169").state_dict())
    assert "features.denseblock4.denselayer32.conv2.weight" in keys
    assert "features.transition3.conv.weight" in keys and "classifier.bias" in keys
    mobilenet = set(create_model("mobilenet_v2").state_dict())
    assert {"features.0.0.weight", "features.1.conv.0.0.weight", "features.2.conv.3.weight",
            "features.18.1.running_var", "classifier.1.weight"} <= mobilenet  # fmt: skip
    resnet50 = set(create_model("resnet50").state_dict())
    assert "layer4.0.downsample.1.running_mean" in resnet50
    assert not any(key.startswith("layer4.1.downsample") for key in resnet50)


@pytest.mark.parametrize(
    ("arch", "filename"),
    [("resnet20_cifar10", "resnet20-12fca82f.th"), ("resnet56_cifar10", "resnet56-4bfd9763.th")],
)
def test_cifar_resnet_keys_match_akamaster_checkpoint(
    data_source: DataSource, arch: str, filename: str
) -> None:
    original = read_state_dict(data_source("akamaster-resnet-cifar10-weights") / filename)
    ours = {k for k in create_model(arch).state_dict() if not k.endswith("num_batches_tracked")}
    assert set(original) == ours


def _cifar_test_images(data_source: DataSource, count: int) -> tuple[torch.Tensor, np.ndarray]:
    folder = data_source("cifar10")
    rows = list(csv.DictReader((folder / "test_order.csv").open()))[:count]
    info = model_info("resnet20_cifar10")
    mean, std = np.array(info.mean), np.array(info.std)
    with zipfile.ZipFile(folder / "cifar10_test_jpeg.zip") as archive:
        pixels = [
            np.asarray(Image.open(io.BytesIO(archive.read(row["filename"]))).convert("RGB"))
            for row in rows
        ]
    batch = (np.stack(pixels) / 255.0 - mean) / std
    labels = np.array([int(row["label"]) for row in rows])
    return torch.from_numpy(batch.transpose(0, 3, 1, 2)).float(), labels


def test_shipped_resnet20_classifies_real_cifar10_jpegs(data_source: DataSource) -> None:
    images, labels = _cifar_test_images(data_source, 400)
    model = create_model("resnet20_cifar10", pretrained=True).eval()
    with torch.no_grad():
        accuracy = float((model(images).argmax(1).numpy() == labels).mean())
    assert 0.74 <= accuracy <= 0.88  # README: 81.0% on all 10,000 JPEGs
