"""Safetensors weights against a registered architecture: keys, shapes, dtypes, finite values."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import safe_open

from scoring.models import create_model, list_models
from scoring.models.inspection.errors import (
    NonFiniteWeightsError,
    SafetensorsHeaderError,
    StateDictMismatchError,
)
from scoring.models.inspection.limits import InspectionLimits
from scoring.models.inspection.safetensors_header import (
    FLOAT_DTYPES,
    TensorEntry,
    read_safetensors_header,
)

# Buffers that never change an eval-mode forward pass; converters often drop them.
OPTIONAL_KEY_SUFFIXES = ("num_batches_tracked",)
MAX_LISTED_PROBLEMS = 10
_INTEGER_DTYPES = frozenset({"I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8"})
# Every registered architecture's state dict as names -> [shape, is floating point], so that the
# web checks an upload's header without building the model (building CORnet-S takes seconds of
# CPU; reading this table once takes milliseconds). Rewrite it after changing an architecture:
#   python -m scoring.models.inspection
# (tests/scoring/models/inspection/test_expected_table.py fails while it is out of date).
EXPECTED_TABLE = Path(__file__).with_name("expected_weights.json")


@dataclass(frozen=True)
class ExpectedTensor:
    shape: tuple[int, ...]
    is_floating_point: bool


def expected_from_state_dict(state_dict: Mapping[str, torch.Tensor]) -> dict[str, ExpectedTensor]:
    return {
        name: ExpectedTensor(tuple(tensor.shape), tensor.is_floating_point())
        for name, tensor in state_dict.items()
    }


def expected_for_architecture(arch: str) -> dict[str, ExpectedTensor]:
    """The state dict of the registered architecture ``arch``: from the committed table, or,
    for one registered after the table was written, built once on the meta device (no memory,
    no initialisation) and remembered."""
    table = _expected_table()
    return dict(table[arch] if arch in table else built_on_meta(arch))


@functools.cache
def built_on_meta(arch: str) -> dict[str, ExpectedTensor]:
    with torch.device("meta"):
        model = create_model(arch, pretrained=False)
    return expected_from_state_dict(model.state_dict())


@functools.cache
def _expected_table() -> dict[str, dict[str, ExpectedTensor]]:
    if not EXPECTED_TABLE.is_file():
        return {}
    rows = json.loads(EXPECTED_TABLE.read_text())
    return {
        arch: {name: ExpectedTensor(tuple(shape), bool(floating)) for name, (shape, floating) in
               tensors.items()}
        for arch, tensors in rows.items()
    }  # fmt: skip


def expected_table_text() -> str:
    """The table for every registered architecture, one tensor a line (readable diffs)."""
    blocks = []
    for arch in sorted(list_models()):
        lines = [
            f"    {json.dumps(name)}: [{json.dumps(list(tensor.shape))}, "
            f"{json.dumps(tensor.is_floating_point)}]"
            for name, tensor in built_on_meta(arch).items()
        ]
        blocks.append(f"  {json.dumps(arch)}: {{\n" + ",\n".join(lines) + "\n  }")
    return "{\n" + ",\n".join(blocks) + "\n}\n"


def inspect_weights(
    path: Path, expected: Mapping[str, ExpectedTensor], limits: InspectionLimits
) -> dict[str, TensorEntry]:
    """Header, keys, shapes, dtypes, then values: refuse anything that would not load cleanly."""
    entries = read_safetensors_header(path, limits)
    check_against_expected(entries, expected)
    check_finite(path, entries)
    return entries


def check_against_expected(
    entries: Mapping[str, TensorEntry], expected: Mapping[str, ExpectedTensor]
) -> None:
    problems = [
        *_missing_keys(entries, expected),
        *(f"unexpected key {name}" for name in sorted(set(entries) - set(expected))),
        *_shape_and_dtype_problems(entries, expected),
    ]
    if problems:
        shown = problems[:MAX_LISTED_PROBLEMS]
        more = len(problems) - len(shown)
        suffix = f"; and {more} more problems" if more else ""
        raise StateDictMismatchError("; ".join(shown) + suffix)


def _missing_keys(
    entries: Mapping[str, TensorEntry], expected: Mapping[str, ExpectedTensor]
) -> list[str]:
    return [
        f"missing key {name}"
        for name in expected
        if name not in entries and not name.endswith(OPTIONAL_KEY_SUFFIXES)
    ]


def _shape_and_dtype_problems(
    entries: Mapping[str, TensorEntry], expected: Mapping[str, ExpectedTensor]
) -> list[str]:
    problems = []
    for name, want in expected.items():
        entry = entries.get(name)
        if entry is None:
            continue
        if entry.shape != want.shape:
            problems.append(f"layer {name}: expected shape {want.shape}, got {entry.shape}")
        elif want.is_floating_point != (entry.dtype in FLOAT_DTYPES):
            kind = "floating-point" if want.is_floating_point else "integer"
            problems.append(f"layer {name}: expected a {kind} dtype, got {entry.dtype}")
        elif not want.is_floating_point and entry.dtype not in _INTEGER_DTYPES:
            problems.append(f"layer {name}: expected an integer dtype, got {entry.dtype}")
    return problems


def check_finite(path: Path, entries: Mapping[str, TensorEntry]) -> None:
    """Load one tensor at a time (the header is already validated) and refuse NaN or Inf."""
    name = _first_non_finite(path, entries)
    if name is not None:
        raise NonFiniteWeightsError(f"layer {name}: weights contain NaN or infinite values")


def _first_non_finite(path: Path, entries: Mapping[str, TensorEntry]) -> str | None:
    try:
        with safe_open(str(path), framework="pt") as weights:
            for name, entry in entries.items():
                if entry.dtype in FLOAT_DTYPES and not _all_finite(weights.get_tensor(name)):
                    return name
    except (OSError, RuntimeError, ValueError, TypeError) as error:
        raise SafetensorsHeaderError(f"the weights cannot be read: {error}") from None
    return None


def _all_finite(tensor: torch.Tensor) -> bool:
    return bool(torch.isfinite(tensor.float()).all())
