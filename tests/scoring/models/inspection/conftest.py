"""Synthetic test models and files for the inspection tests (all built here, none downloaded)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file
from torch import nn

from scoring.models.inspection import (
    ExpectedTensor,
    InspectionLimits,
    OnnxManifest,
    expected_from_state_dict,
    parse_manifest,
)


class TinyAreas(nn.Module):
    """A four-area toy CNN whose state-dict keys look like a brain model's (V1..., IT...)."""

    def __init__(self) -> None:
        super().__init__()
        self.V1 = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.V2 = nn.Sequential(nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.ReLU())
        self.V4 = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU())
        self.IT = nn.Sequential(nn.Conv2d(16, 16, 1), nn.ReLU())
        self.decoder = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, ...]:
        v1 = self.V1(images)
        v2 = self.V2(v1)
        v4 = self.V4(v2)
        it = self.IT(v4)
        return v1, v2, v4, it, self.decoder(it)


@pytest.fixture
def tiny_model() -> TinyAreas:
    torch.manual_seed(0)
    return TinyAreas().eval()


@pytest.fixture
def expected_weights(tiny_model: TinyAreas) -> dict[str, ExpectedTensor]:
    return expected_from_state_dict(tiny_model.state_dict())


@pytest.fixture
def weights_file(tmp_path: Path, tiny_model: TinyAreas) -> Path:
    path = tmp_path / "tiny.safetensors"
    save_file({k: v.contiguous() for k, v in tiny_model.state_dict().items()}, str(path))
    return path


def export_onnx(model: nn.Module, path: Path, input_size: int = 32) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (torch.zeros(1, 3, input_size, input_size),),
            str(path),
            dynamo=False,
            input_names=["images"],
            output_names=["v1", "v2", "v4", "it", "logits"],
            dynamic_axes={"images": {0: "batch"}},
        )
    return path


@pytest.fixture
def onnx_file(tmp_path: Path, tiny_model: TinyAreas) -> Path:
    return export_onnx(tiny_model, tmp_path / "tiny.onnx")


@pytest.fixture
def manifest_json() -> str:
    return """{
      "input_size": 32, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
      "region_outputs": {"V1": "v1", "V2": "v2", "V4": "v4", "IT": "it"},
      "behavioral_readout": "logits"
    }"""


@pytest.fixture
def manifest(manifest_json: str) -> OnnxManifest:
    return parse_manifest(manifest_json, InspectionLimits())
