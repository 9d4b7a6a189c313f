"""A strict, bounded safetensors header reader, run before the safetensors library sees a file.

Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the raw tensor bytes.
Every offset and shape is checked against the file and our caps, so a hostile header cannot make
any later reader allocate, seek or map more than the file holds.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoring.models.inspection.errors import SafetensorsHeaderError
from scoring.models.inspection.limits import InspectionLimits

DTYPE_BYTES: dict[str, int] = {
    "F64": 8, "F32": 4, "F16": 2, "BF16": 2,
    "I64": 8, "I32": 4, "I16": 2, "I8": 1,
    "U64": 8, "U32": 4, "U16": 2, "U8": 1,
    "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1,
}  # fmt: skip
FLOAT_DTYPES = frozenset({"F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2"})
_LENGTH_PREFIX_BYTES = 8
METADATA_KEY = "__metadata__"


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: str
    shape: tuple[int, ...]
    start: int
    end: int


def read_safetensors_header(path: Path, limits: InspectionLimits) -> dict[str, TensorEntry]:
    """Parse and validate the header of the file at ``path``; return its tensors by name."""
    file_size = path.stat().st_size
    with path.open("rb") as handle:
        header_length = _read_header_length(handle.read(_LENGTH_PREFIX_BYTES), file_size, limits)
        return _parse_header(handle.read(header_length), file_size, limits)


def parse_safetensors_header(buffer: bytes, limits: InspectionLimits) -> dict[str, TensorEntry]:
    """The same checks for a file already read into memory."""
    header_length = _read_header_length(buffer[:_LENGTH_PREFIX_BYTES], len(buffer), limits)
    raw_header = buffer[_LENGTH_PREFIX_BYTES : _LENGTH_PREFIX_BYTES + header_length]
    return _parse_header(raw_header, len(buffer), limits)


def _parse_header(
    raw_header: bytes, file_size: int, limits: InspectionLimits
) -> dict[str, TensorEntry]:
    entries = [
        _parse_entry(name, value, limits)
        for name, value in _decode_header(raw_header).items()
        if name != METADATA_KEY
    ]
    if len(entries) > limits.max_tensors:
        raise SafetensorsHeaderError(
            f"the file declares {len(entries)} tensors; the limit is {limits.max_tensors}"
        )
    _check_data_layout(entries, file_size - _LENGTH_PREFIX_BYTES - len(raw_header))
    return {entry.name: entry for entry in entries}


def _read_header_length(prefix: bytes, file_size: int, limits: InspectionLimits) -> int:
    if len(prefix) < _LENGTH_PREFIX_BYTES:
        raise SafetensorsHeaderError("the file is too short to be safetensors (no 8-byte header)")
    length = int.from_bytes(prefix, "little")
    if length > limits.max_header_bytes:
        raise SafetensorsHeaderError(
            f"the header claims {length:,} bytes; the limit is {limits.max_header_bytes:,}"
        )
    if length > file_size - _LENGTH_PREFIX_BYTES:
        raise SafetensorsHeaderError(
            f"the header claims {length:,} bytes but the file holds only "
            f"{file_size - _LENGTH_PREFIX_BYTES:,} after the length prefix (truncated upload?)"
        )
    return length


def _decode_header(raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(raw.decode("utf-8"), object_pairs_hook=_refuse_duplicate_keys)
    except (UnicodeDecodeError, ValueError) as error:
        raise SafetensorsHeaderError(f"the header is not valid UTF-8 JSON: {error}") from None
    if not isinstance(header, dict):
        raise SafetensorsHeaderError("the header must be a JSON object")
    _check_metadata(header.get(METADATA_KEY, {}))
    return header


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _check_metadata(metadata: object) -> None:
    valid = isinstance(metadata, dict) and all(
        isinstance(key, str) and isinstance(value, str) for key, value in metadata.items()
    )
    if not valid:
        raise SafetensorsHeaderError("__metadata__ must map strings to strings")


def _parse_entry(name: str, value: object, limits: InspectionLimits) -> TensorEntry:
    if not isinstance(value, dict) or set(value) != {"dtype", "shape", "data_offsets"}:
        raise SafetensorsHeaderError(
            f"tensor {name!r}: expected exactly the fields dtype, shape, data_offsets"
        )
    dtype = value["dtype"]
    if dtype not in DTYPE_BYTES:
        raise SafetensorsHeaderError(f"tensor {name!r}: unknown dtype {dtype!r}")
    shape = _parse_shape(name, value["shape"], limits)
    start, end = _parse_offsets(name, value["data_offsets"])
    expected_bytes = math.prod(shape) * DTYPE_BYTES[dtype]
    if end - start != expected_bytes:
        raise SafetensorsHeaderError(
            f"tensor {name!r}: shape {shape} of {dtype} needs {expected_bytes:,} bytes "
            f"but its data_offsets span {end - start:,}"
        )
    return TensorEntry(name, dtype, shape, start, end)


def _parse_shape(name: str, shape: object, limits: InspectionLimits) -> tuple[int, ...]:
    if not isinstance(shape, list) or len(shape) > limits.max_rank:
        raise SafetensorsHeaderError(
            f"tensor {name!r}: shape must be a list of at most {limits.max_rank} dimensions"
        )
    if not all(_is_plain_int(size) and 0 <= size <= limits.max_dimension for size in shape):
        raise SafetensorsHeaderError(
            f"tensor {name!r}: shape {shape} must hold integers between 0 and "
            f"{limits.max_dimension:,}"
        )
    elements = math.prod(shape)
    if elements > limits.max_tensor_elements:
        raise SafetensorsHeaderError(
            f"tensor {name!r}: shape {tuple(shape)} has {elements:,} elements; "
            f"the limit is {limits.max_tensor_elements:,}"
        )
    return tuple(shape)


def _parse_offsets(name: str, offsets: object) -> tuple[int, int]:
    valid = (
        isinstance(offsets, list)
        and len(offsets) == 2
        and all(_is_plain_int(offset) and offset >= 0 for offset in offsets)
        and offsets[0] <= offsets[1]
    )
    if not valid:
        raise SafetensorsHeaderError(
            f"tensor {name!r}: data_offsets must be [begin, end] with 0 <= begin <= end"
        )
    assert isinstance(offsets, list)
    return offsets[0], offsets[1]


def _is_plain_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_data_layout(entries: list[TensorEntry], data_bytes: int) -> None:
    """Tensors must tile the data section exactly: in bounds, contiguous, no overlap, no gap."""
    cursor = 0
    for entry in sorted(entries, key=lambda item: (item.start, item.end)):
        if entry.start != cursor:
            problem = "overlaps the previous tensor" if entry.start < cursor else "leaves a gap"
            raise SafetensorsHeaderError(
                f"tensor {entry.name!r}: data starting at byte {entry.start:,} {problem}"
            )
        if entry.end > data_bytes:
            raise SafetensorsHeaderError(
                f"tensor {entry.name!r}: data ends at byte {entry.end:,} but the file holds "
                f"only {data_bytes:,} bytes of tensor data (truncated upload?)"
            )
        cursor = entry.end
    if cursor != data_bytes:
        raise SafetensorsHeaderError(
            f"the file has {data_bytes - cursor:,} bytes after the last tensor"
        )
