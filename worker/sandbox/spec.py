"""What to run in the sandbox; serialised to ``spec.json`` in the job folder for the child.

Each spec names its outputs by key (``V1``, ``IT``, ``behavior``...); ``expected_shapes`` holds the
shapes the trusted parent requires (``None`` for a free dimension), checked after the child exits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from worker.inspection.manifest import OnnxManifest

ShapeSpec = tuple[int | None, ...]
FileName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
MODEL_OUTPUT = "__output__"  # architecture specs: the model's return value (behavioral readout)
BEHAVIOR_KEY = "behavior"


class _SpecBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    inputs_file: FileName = "inputs.npy"
    mean: tuple[float, float, float] | None = None
    std: tuple[float, float, float] | None = None
    outputs: dict[str, str] = Field(min_length=1)
    expected_shapes: dict[str, ShapeSpec] = Field(default_factory=dict)
    time_steps: int = Field(default=1, ge=1)


class OnnxSpec(_SpecBase):
    """An uploaded ONNX graph; ``outputs`` maps keys to graph output names."""

    kind: Literal["onnx"] = "onnx"
    model_file: FileName


class ArchitectureSpec(_SpecBase):
    """A registered architecture with uploaded weights; ``outputs`` maps keys to layer names."""

    kind: Literal["architecture"] = "architecture"
    arch: str
    weights_file: FileName
    factory: str = Field(default="scoring.models:create_model", pattern=r"^[\w.]+:\w+$")


class ScriptSpec(_SpecBase):
    """A Python file in the job folder defining ``forward(images) -> dict[str, ndarray]``.

    Used to test the isolation with deliberately hostile code; never built from user input.
    """

    kind: Literal["script"] = "script"
    script_file: FileName


SandboxSpec = OnnxSpec | ArchitectureSpec | ScriptSpec


def onnx_spec_from_manifest(
    manifest: OnnxManifest,
    model_file: str,
    output_shapes: Mapping[str, ShapeSpec] | None = None,
) -> OnnxSpec:
    """Keys are the manifest's regions (V1, V2, V4, IT) plus ``behavior`` for the readout."""
    outputs: dict[str, str] = {
        str(region): name for region, name in manifest.region_outputs.items()
    }
    if manifest.behavioral_readout:
        outputs[BEHAVIOR_KEY] = manifest.behavioral_readout
    shapes = output_shapes or {}
    return OnnxSpec(
        model_file=model_file,
        mean=manifest.mean,
        std=manifest.std,
        outputs=outputs,
        expected_shapes={key: shapes.get(name, ()) for key, name in outputs.items()},
        time_steps=manifest.time_steps,
    )
