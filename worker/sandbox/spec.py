"""What to run in the sandbox; serialised to ``spec.json`` in the job folder for the child.

Each spec names its outputs by key (``V1``, ``IT``, ``behavior``...); ``expected_shapes`` holds the
shapes the trusted parent requires (``None`` for a free dimension), checked after the child exits.
``time_steps`` gives recurrent outputs a time axis right after the batch: (images, steps, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring.models.inspection.manifest import OnnxManifest

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
    time_steps: dict[str, Annotated[int, Field(ge=1, le=1000)]] = Field(default_factory=dict)


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
        expected_shapes={key: _any_batch(shapes.get(name, ())) for key, name in outputs.items()},
        time_steps=_recurrent_regions(manifest),
    )


def _any_batch(shape: ShapeSpec) -> ShapeSpec:
    # The job decides the number of images; fixed-batch-1 graphs are run one image at a time.
    return (None, *shape[1:]) if shape else ()


def _recurrent_regions(manifest: OnnxManifest) -> dict[str, int]:
    if manifest.time_steps == 1:
        return {}
    return {str(region): manifest.time_steps for region in manifest.region_outputs}


def architecture_spec(
    arch: str, weights_file: str, layers: Mapping[str, str] | None = None
) -> ArchitectureSpec:
    """Outputs, normalisation and time steps from the registry's ``model_info(arch)``.

    ``layers`` maps output keys to layer names; by default the model's committed regions, plus
    every candidate layer (keyed by its own name) when some region's layer is still to be chosen.
    """
    from scoring.models import model_info  # the model zoo is only needed for this job type

    info = model_info(arch)
    if layers is None:
        candidates = {} if info.precommitted else {layer: layer for layer in info.candidate_layers}
        layers = {**candidates, **info.region_layers}
    outputs = {str(key): layer for key, layer in layers.items()}
    steps = {region: n for region, (_s, _w, n) in (info.time_mapping or {}).items() if n > 1}
    return ArchitectureSpec(
        arch=arch,
        weights_file=weights_file,
        mean=info.mean,
        std=info.std,
        outputs={**outputs, BEHAVIOR_KEY: info.behavioral_readout},
        time_steps={key: n for key, n in steps.items() if key in outputs},
    )
