"""The manifest of an ONNX upload: how to feed the graph and which outputs are which."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scoring.models.inspection.errors import ManifestError
from scoring.models.inspection.limits import InspectionLimits

Region = Literal["V1", "V2", "V4", "IT"]
OutputName = Annotated[str, Field(min_length=1, max_length=256, pattern=r"^[^\x00-\x1f]+$")]
PositiveStd = Annotated[float, Field(gt=0.0, le=1000.0)]
Mean = Annotated[float, Field(ge=-1000.0, le=1000.0)]


class OnnxManifest(BaseModel):
    """Recurrent models (time_steps > 1) put time right after batch: (batch, time, ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input_size: int = Field(ge=16, le=1024, description="square input side in pixels")
    mean: tuple[Mean, Mean, Mean]
    std: tuple[PositiveStd, PositiveStd, PositiveStd]
    region_outputs: dict[Region, OutputName] = Field(min_length=1)
    time_steps: int = Field(default=1, ge=1, le=100)
    behavioral_readout: OutputName | None = None

    @model_validator(mode="after")
    def _outputs_are_distinct(self) -> OnnxManifest:
        names = [*self.region_outputs.values(), self.behavioral_readout]
        named = [name for name in names if name is not None]
        if len(set(named)) != len(named):
            raise ValueError("each region and the behavioral readout need their own output")
        return self

    def output_names(self) -> list[str]:
        names = list(self.region_outputs.values())
        return [*names, self.behavioral_readout] if self.behavioral_readout else names


def parse_manifest(raw: str | bytes, limits: InspectionLimits) -> OnnxManifest:
    """Parse manifest JSON, turning pydantic's errors into one readable sentence."""
    if len(raw) > limits.max_manifest_bytes:
        raise ManifestError(f"the manifest is larger than {limits.max_manifest_bytes:,} bytes")
    try:
        return OnnxManifest.model_validate_json(raw)
    except ValidationError as error:
        raise ManifestError("invalid manifest: " + _describe(error)) from None


def _describe(error: ValidationError) -> str:
    parts = []
    for detail in error.errors():
        where = ".".join(str(part) for part in detail["loc"]) or "manifest"
        parts.append(f"{where}: {detail['msg']}")
    return "; ".join(parts)
