"""Size and count caps applied while inspecting an upload (defaults: docs/security.md)."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024**2
GiB = 1024**3


@dataclass(frozen=True)
class InspectionLimits:
    max_file_bytes: int = 2 * GiB
    max_header_bytes: int = 16 * MiB
    max_tensors: int = 10_000
    max_tensor_elements: int = 1_000_000_000
    max_dimension: int = 1_000_000_000
    max_rank: int = 8
    max_onnx_nodes: int = 50_000
    max_manifest_bytes: int = 64 * 1024
