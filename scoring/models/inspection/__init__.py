"""Static inspection of uploaded model files, done before any of them is loaded or run.

``inspect_upload`` is the entry point: it refuses unsafe names, oversized files and pickles,
then checks safetensors weights against an architecture or an ONNX graph against its manifest.
It lives beside the model registry it checks against; the web (before accepting an upload) and
the ``validate`` job (again, on the stored file) both run it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from scoring.models.inspection.closest import closest_architecture, expected_state, mismatch_hint
from scoring.models.inspection.errors import (
    FileTooLargeError,
    InspectionError,
    ManifestError,
    NonFiniteWeightsError,
    OnnxModelError,
    PickleRefusedError,
    SafetensorsHeaderError,
    StateDictMismatchError,
    UnsafeFileNameError,
    UnsupportedFileError,
)
from scoring.models.inspection.filekind import FileKind, detect_file_kind
from scoring.models.inspection.filenames import check_user_filename, safe_basename
from scoring.models.inspection.limits import InspectionLimits
from scoring.models.inspection.manifest import OnnxManifest, parse_manifest
from scoring.models.inspection.onnx_graph import inspect_onnx, output_shapes
from scoring.models.inspection.safetensors_header import (
    TensorEntry,
    parse_safetensors_header,
    read_safetensors_header,
)
from scoring.models.inspection.weights import (
    ExpectedTensor,
    expected_for_architecture,
    expected_from_state_dict,
    inspect_weights,
)

__all__ = [
    "ExpectedTensor",
    "FileKind",
    "FileTooLargeError",
    "InspectionError",
    "InspectionLimits",
    "InspectionReport",
    "ManifestError",
    "NonFiniteWeightsError",
    "OnnxManifest",
    "OnnxModelError",
    "PickleRefusedError",
    "SafetensorsHeaderError",
    "StateDictMismatchError",
    "TensorEntry",
    "UnsafeFileNameError",
    "UnsupportedFileError",
    "check_user_filename",
    "closest_architecture",
    "expected_for_architecture",
    "expected_from_state_dict",
    "expected_state",
    "inspect_upload",
    "parse_manifest",
    "parse_safetensors_header",
    "read_safetensors_header",
    "safe_basename",
]


@dataclass(frozen=True)
class InspectionReport:
    kind: FileKind
    tensors: dict[str, TensorEntry] | None = None
    output_shapes: dict[str, tuple[int | None, ...]] | None = None


def inspect_upload(
    path: Path,
    user_filename: str,
    *,
    expected_weights: Mapping[str, ExpectedTensor] | None = None,
    architecture: str | None = None,
    manifest: OnnxManifest | None = None,
    limits: InspectionLimits | None = None,
) -> InspectionReport:
    """Everything we can check without running the model; raises an ``InspectionError``.

    ``architecture`` names the registered architecture of ``expected_weights``: a file that does
    not fit it is refused with the registered architecture it fits best (``closest``)."""
    limits = limits or InspectionLimits()
    kind = detect_file_kind(path, user_filename, limits)
    if kind is FileKind.SAFETENSORS:
        if expected_weights is None:
            raise InspectionError("safetensors weights need an architecture to be checked against")
        try:
            return InspectionReport(kind, tensors=inspect_weights(path, expected_weights, limits))
        except StateDictMismatchError as error:
            if architecture is None:
                raise
            shapes = {n: e.shape for n, e in read_safetensors_header(path, limits).items()}
            raise StateDictMismatchError(
                f"{error}. {mismatch_hint(shapes, architecture)}"
            ) from None
    if manifest is None:
        raise ManifestError("an ONNX upload needs a manifest (input size, normalization, outputs)")
    graph = inspect_onnx(path, manifest, limits)
    return InspectionReport(kind, output_shapes=output_shapes(graph))
