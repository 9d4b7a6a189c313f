"""Happy paths: an inspected ONNX upload and inspected safetensors weights run in the sandbox.

The models are synthetic (tiny_zoo, random weights); the parent compares the child's activations
with the same forward pass done in-process.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from scoring.models.inspection import (
    InspectionLimits,
    expected_for_architecture,
    expected_from_state_dict,
    inspect_upload,
    parse_manifest,
)
from worker.sandbox import (
    MODEL_OUTPUT,
    ArchitectureSpec,
    SandboxLimits,
    SandboxModelError,
    architecture_spec,
    onnx_spec_from_manifest,
    run_in_sandbox,
)

MANIFEST = """{
  "input_size": 32, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
  "region_outputs": {"V1": "v1", "V2": "v2", "V4": "v4", "IT": "it"},
  "behavioral_readout": "logits"
}"""
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32).reshape(1, 3, 1, 1)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32).reshape(1, 3, 1, 1)


def _zoo(tiny_zoo: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("tiny_models", tiny_zoo / "tiny_models.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _AllAreas(torch.nn.Module):
    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model: Any = model

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, ...]:
        v1 = self.model.V1(images)
        v2 = self.model.V2(v1)
        v4 = self.model.V4(v2)
        it = self.model.IT(v4)
        return v1, v2, v4, it, self.model.decoder(it)


def _reference(model: torch.nn.Module, job_dir: Path) -> tuple[np.ndarray, ...]:
    images = (np.load(job_dir / "inputs.npy") - MEAN) / STD
    with torch.no_grad():
        outputs = _AllAreas(model).eval()(torch.from_numpy(images))
    return tuple(out.numpy() for out in outputs)


def _export(model: torch.nn.Module, path: Path, dynamic_batch: bool = True) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _AllAreas(model).eval(),
            (torch.zeros(1, 3, 32, 32),),
            str(path),
            dynamo=False,
            input_names=["images"],
            output_names=["v1", "v2", "v4", "it", "logits"],
            dynamic_axes={"images": {0: "batch"}} if dynamic_batch else None,
        )


def test_inspected_onnx_upload_gives_finite_declared_activations(
    job_dir: Path, tiny_zoo: Path, mode_limits: SandboxLimits
) -> None:
    torch.manual_seed(0)
    model = _zoo(tiny_zoo).create_model("tiny_areas").eval()
    _export(model, job_dir / "model.onnx")
    manifest = parse_manifest(MANIFEST, InspectionLimits())
    report = inspect_upload(job_dir / "model.onnx", "model.onnx", manifest=manifest)
    spec = onnx_spec_from_manifest(manifest, "model.onnx", report.output_shapes)

    result = run_in_sandbox(job_dir, spec, mode_limits, code_packages=())

    assert result.mode == mode_limits.mode
    assert result.activations["IT"].shape == (3, 16, 8, 8)
    assert result.activations["behavior"].shape == (3, 10)
    keys = ["V1", "V2", "V4", "IT", "behavior"]
    for key, expected in zip(keys, _reference(model, job_dir), strict=True):
        np.testing.assert_allclose(result.activations[key], expected, rtol=1e-4, atol=1e-5)


def test_onnx_graph_with_a_fixed_batch_of_one_runs_image_by_image(
    job_dir: Path, tiny_zoo: Path
) -> None:
    model = _zoo(tiny_zoo).create_model("tiny_areas").eval()
    _export(model, job_dir / "model.onnx", dynamic_batch=False)
    manifest = parse_manifest(MANIFEST, InspectionLimits())
    report = inspect_upload(job_dir / "model.onnx", "model.onnx", manifest=manifest)
    assert report.output_shapes is not None and report.output_shapes["it"][0] == 1
    spec = onnx_spec_from_manifest(manifest, "model.onnx", report.output_shapes)
    assert spec.expected_shapes["IT"] == (None, 16, 8, 8)

    result = run_in_sandbox(job_dir, spec, SandboxLimits(mode="plain"), code_packages=())

    _v1, _v2, _v4, it, _logits = _reference(model, job_dir)
    np.testing.assert_allclose(result.activations["IT"], it, rtol=1e-4, atol=1e-5)


def _weights(job_dir: Path, model: torch.nn.Module) -> Path:
    path = job_dir / "weights.safetensors"
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(path))
    return path


def _architecture_spec() -> ArchitectureSpec:
    return ArchitectureSpec(
        arch="tiny_areas",
        weights_file="weights.safetensors",
        factory="tiny_zoo.tiny_models:create_model",
        mean=(0.485, 0.456, 0.406),
        std=(0.229, 0.224, 0.225),
        outputs={"V4": "V4", "IT": "IT", "behavior": MODEL_OUTPUT},
        expected_shapes={"V4": (None, 16, 8, 8), "IT": (None, 16, 8, 8), "behavior": (None, 10)},
    )


def test_registered_architecture_with_uploaded_weights(
    job_dir: Path, tiny_zoo: Path, mode_limits: SandboxLimits
) -> None:
    torch.manual_seed(1)
    model = _zoo(tiny_zoo).create_model("tiny_areas").eval()
    weights = _weights(job_dir, model)
    expected = expected_from_state_dict(model.state_dict())
    inspect_upload(weights, "weights.safetensors", expected_weights=expected)

    result = run_in_sandbox(job_dir, _architecture_spec(), mode_limits, code_packages=[tiny_zoo])

    _v1, _v2, v4, it, logits = _reference(model, job_dir)
    np.testing.assert_allclose(result.activations["V4"], v4, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(result.activations["IT"], it, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(result.activations["behavior"], logits, rtol=1e-4, atol=1e-5)


def test_unknown_layer_is_reported(job_dir: Path, tiny_zoo: Path) -> None:
    _weights(job_dir, _zoo(tiny_zoo).create_model("tiny_areas"))
    spec = _architecture_spec().model_copy(update={"outputs": {"IT": "IT.output"}})
    with pytest.raises(SandboxModelError, match=r"layer IT\.output does not exist in tiny_areas"):
        run_in_sandbox(job_dir, spec, SandboxLimits(mode="plain"), code_packages=[tiny_zoo])


def test_recurrent_layer_gets_a_time_axis(job_dir: Path, tiny_zoo: Path) -> None:
    _weights(job_dir, _zoo(tiny_zoo).create_model("tiny_recurrent"))
    spec = ArchitectureSpec(
        arch="tiny_recurrent",
        weights_file="weights.safetensors",
        factory="tiny_zoo.tiny_models:create_model",
        outputs={"V1": "V1", "IT": "IT"},
        time_steps={"IT": 3},
    )
    limits = SandboxLimits(mode="plain")
    result = run_in_sandbox(job_dir, spec, limits, code_packages=[tiny_zoo])
    assert result.activations["IT"].shape == (3, 3, 4, 8, 8)  # images, time steps, C, H, W
    assert result.activations["V1"].shape == (3, 4, 8, 8)
    wrong = spec.model_copy(update={"time_steps": {"IT": 5}})
    with pytest.raises(SandboxModelError, match=r"layer IT ran 3 times; expected 5 time steps"):
        run_in_sandbox(job_dir, wrong, limits, code_packages=[tiny_zoo])


def test_shipped_resnet20_weights_pass_inspection_and_run(job_dir: Path, repo_root: Path) -> None:
    """The real registry and the real shipped weights, as a user uploading them would."""
    shipped = repo_root / "data" / "weights" / "resnet20_cifar10.safetensors"
    upload = job_dir / "upload.safetensors"
    upload.write_bytes(shipped.read_bytes())
    expected = expected_for_architecture("resnet20_cifar10")
    inspect_upload(upload, "resnet20_cifar10.safetensors", expected_weights=expected)

    result = run_in_sandbox(job_dir, architecture_spec("resnet20_cifar10", "upload.safetensors"))

    assert result.activations["layer3"].shape == (3, 64, 8, 8)
    assert result.activations["behavior"].shape == (3, 64, 1, 1)
    assert all(np.isfinite(values).all() for values in result.activations.values())
