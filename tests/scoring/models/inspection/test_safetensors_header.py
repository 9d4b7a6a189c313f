from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from pathlib import Path

import pytest

from scoring.models.inspection import (
    InspectionLimits,
    SafetensorsHeaderError,
    read_safetensors_header,
)


def _write(
    path: Path, header: Mapping[str, object], data: bytes, claimed: int | None = None
) -> Path:
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw) if claimed is None else claimed) + raw + data)
    return path


def _tensor(dtype: str, shape: list[int], start: int, end: int) -> dict[str, object]:
    return {"dtype": dtype, "shape": shape, "data_offsets": [start, end]}


def test_valid_header_is_parsed(weights_file: Path) -> None:
    entries = read_safetensors_header(weights_file, InspectionLimits())
    assert entries["V1.0.weight"].shape == (8, 3, 3, 3)
    assert entries["V1.0.weight"].dtype == "F32"


def test_header_claiming_more_bytes_than_the_file_holds(tmp_path: Path) -> None:
    path = _write(tmp_path / "w.safetensors", {}, b"", claimed=10_000)
    with pytest.raises(SafetensorsHeaderError, match=r"claims 10,000 bytes but the file holds"):
        read_safetensors_header(path, InspectionLimits())


def test_header_length_over_the_cap(tmp_path: Path) -> None:
    path = _write(tmp_path / "w.safetensors", {}, b"", claimed=2**63)
    with pytest.raises(SafetensorsHeaderError, match=r"the limit is"):
        read_safetensors_header(path, InspectionLimits())


def test_tensor_data_beyond_the_end_of_file(tmp_path: Path) -> None:
    header = {"w": _tensor("F32", [1000, 1000], 0, 4_000_000)}
    path = _write(tmp_path / "w.safetensors", header, b"\0" * 16)
    with pytest.raises(SafetensorsHeaderError, match=r"truncated upload"):
        read_safetensors_header(path, InspectionLimits())


def test_huge_shape_is_refused(tmp_path: Path) -> None:
    header = {"w": _tensor("F32", [2**31, 2**31], 0, 4 * 2**62)}
    path = _write(tmp_path / "w.safetensors", header, b"")
    with pytest.raises(SafetensorsHeaderError, match=r"integers between 0 and|elements"):
        read_safetensors_header(path, InspectionLimits())


def test_shape_over_the_element_cap(tmp_path: Path) -> None:
    header = {"w": _tensor("F32", [100, 100], 0, 40_000)}
    path = _write(tmp_path / "w.safetensors", header, b"\0" * 40_000)
    with pytest.raises(SafetensorsHeaderError, match=r"10,000 elements; the limit is 1,000"):
        read_safetensors_header(path, InspectionLimits(max_tensor_elements=1000))


@pytest.mark.parametrize(
    ("tensors", "message"),
    [
        ({"w": _tensor("F32", [-1, 4], 0, 16)}, r"integers between 0"),
        ({"w": _tensor("F32", [True, 4], 0, 16)}, r"integers between 0"),
        ({"w": _tensor("X99", [4], 0, 16)}, r"unknown dtype"),
        ({"w": _tensor("F32", [4], 0, 12)}, r"needs 16 bytes"),
        ({"w": _tensor("F32", [4], 8, 4)}, r"begin <= end"),
        ({"a": _tensor("F32", [4], 0, 16), "b": _tensor("F32", [2], 8, 16)}, r"overlaps"),
        ({"a": _tensor("F32", [2], 8, 16)}, r"leaves a gap"),
        ({"a": _tensor("F32", [2], 0, 8)}, r"bytes after the last tensor"),
        ({"w": {"dtype": "F32", "shape": [4]}}, r"exactly the fields"),
        ({"__metadata__": {"a": 1}}, r"__metadata__"),
    ],
)
def test_inconsistent_headers_are_refused(
    tmp_path: Path, tensors: dict[str, object], message: str
) -> None:
    path = _write(tmp_path / "w.safetensors", tensors, b"\0" * 16)
    with pytest.raises(SafetensorsHeaderError, match=message):
        read_safetensors_header(path, InspectionLimits())


def test_duplicate_keys_and_bad_json_are_refused(tmp_path: Path) -> None:
    for raw in (b'{"a": {}, "a": {}}', b"{not json", b"\xff\xfe{}"):
        path = tmp_path / "w.safetensors"
        path.write_bytes(struct.pack("<Q", len(raw)) + raw)
        with pytest.raises(SafetensorsHeaderError, match=r"not valid UTF-8 JSON"):
            read_safetensors_header(path, InspectionLimits())
