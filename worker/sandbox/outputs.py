"""The trusted parent's checks of what the child wrote: file type, format, shapes, finiteness."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from safetensors.numpy import load as load_safetensors

from scoring.models.inspection import InspectionError, InspectionLimits, parse_safetensors_header
from worker.sandbox.errors import SandboxOutputError
from worker.sandbox.spec import ShapeSpec

ActivationShapes = Mapping[str, ShapeSpec]


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """Read a file the child may have tampered with: no symlinks, FIFOs, devices or hard links."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise SandboxOutputError("the model produced no activations") from None
    except OSError as error:
        raise SandboxOutputError(f"the activations file cannot be opened safely: {error}") from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            raise SandboxOutputError("the activations file is not a plain file")
        if info.st_size > max_bytes:
            raise SandboxOutputError(f"the activations exceed {max_bytes:,} bytes")
        return handle.read(max_bytes + 1)[:max_bytes]


def read_activations(
    path: Path,
    expected: ActivationShapes,
    batch: int,
    time_steps: Mapping[str, int],
    max_bytes: int,
) -> dict[str, np.ndarray]:
    buffer = read_regular_file(path, max_bytes)
    try:
        entries = parse_safetensors_header(buffer, InspectionLimits(max_file_bytes=max_bytes))
    except InspectionError as error:
        raise SandboxOutputError(f"the activations file is malformed: {error}") from None
    if set(entries) != set(expected):
        raise SandboxOutputError(
            f"expected activations {sorted(expected)}, the model returned {sorted(entries)}"
        )
    activations = load_safetensors(buffer)
    for key, array in activations.items():
        check_activation(key, array, expected[key], batch, time_steps.get(key, 1))
    return activations


def check_activation(
    key: str, array: np.ndarray, declared: ShapeSpec, batch: int, time_steps: int
) -> None:
    if array.dtype != np.float32:
        raise SandboxOutputError(f"output {key}: expected float32, got {array.dtype}")
    leading = (batch, time_steps) if time_steps > 1 else (batch,)
    if array.shape[: len(leading)] != leading:
        raise SandboxOutputError(
            f"output {key}: expected leading dimensions {leading} (images, time steps), "
            f"got shape {array.shape}"
        )
    if declared and not _shape_matches(array.shape, declared):
        raise SandboxOutputError(
            f"output {key}: expected shape {_format(declared)}, got {array.shape}"
        )
    if not np.isfinite(array).all():
        raise SandboxOutputError(f"output {key}: contains NaN or infinite values")


def _shape_matches(shape: tuple[int, ...], declared: ShapeSpec) -> bool:
    return len(shape) == len(declared) and all(
        want is None or want == got for got, want in zip(shape, declared, strict=True)
    )


def _format(declared: ShapeSpec) -> str:
    return "(" + ", ".join("any" if size is None else str(size) for size in declared) + ")"
