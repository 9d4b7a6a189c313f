from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

import pytest
import torch

from scoring.models.inspection import (
    FileKind,
    FileTooLargeError,
    InspectionLimits,
    PickleRefusedError,
    UnsafeFileNameError,
    UnsupportedFileError,
    inspect_upload,
)
from scoring.models.inspection.filekind import detect_file_kind


class WritesMarkerOnLoad:
    """A hostile object: unpickling it would create the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.marker), "w")


def _hostile_pickle(tmp_path: Path, name: str, protocol: int = 4) -> tuple[Path, Path]:
    marker = tmp_path / "PWNED"
    path = tmp_path / name
    path.write_bytes(pickle.dumps(WritesMarkerOnLoad(marker), protocol=protocol))
    return path, marker


def test_the_hostile_pickle_really_runs_code_when_loaded(tmp_path: Path) -> None:
    path, marker = _hostile_pickle(tmp_path, "control.pkl")
    pickle.loads(path.read_bytes())  # our own payload: proves the refusals below are meaningful
    assert marker.exists()


@pytest.mark.parametrize("name", ["model.pkl", "model.pth", "model.pt", "model.bin"])
def test_pickle_extensions_are_refused_without_loading(tmp_path: Path, name: str) -> None:
    path, marker = _hostile_pickle(tmp_path, name)
    with pytest.raises(PickleRefusedError, match=r"ventral convert MODEL\.pth --arch ID"):
        inspect_upload(path, name)
    assert not marker.exists()


@pytest.mark.parametrize("protocol", [0, 2, 5])
def test_pickle_renamed_as_safetensors_or_onnx_is_recognised(tmp_path: Path, protocol: int) -> None:
    for name in ("weights.safetensors", "model.onnx"):
        path, marker = _hostile_pickle(tmp_path, name, protocol)
        with pytest.raises(PickleRefusedError, match=r"pickle"):
            inspect_upload(path, name)
        assert not marker.exists()


def test_torch_zip_checkpoint_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    torch.save({"w": torch.zeros(2)}, path)
    with pytest.raises(PickleRefusedError, match=r"torch checkpoint"):
        detect_file_kind(path, "model.safetensors", InspectionLimits())


def test_zip_member_with_path_traversal_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bundle.onnx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../../../tmp/evil.py", "print('x')")
    with pytest.raises(UnsafeFileNameError, match=r"leave its folder"):
        detect_file_kind(path, "bundle.onnx", InspectionLimits())


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.onnx"
    with path.open("wb") as handle:
        handle.truncate(5000)
    with pytest.raises(FileTooLargeError, match=r"5,000 bytes; the limit is 4,096"):
        detect_file_kind(path, "big.onnx", InspectionLimits(max_file_bytes=4096))


def test_unknown_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(UnsupportedFileError, match=r"not a safetensors"):
        detect_file_kind(path, "notes.txt", InspectionLimits())


def test_valid_files_are_classified(weights_file: Path, onnx_file: Path) -> None:
    limits = InspectionLimits()
    assert detect_file_kind(weights_file, "w.safetensors", limits) is FileKind.SAFETENSORS
    assert detect_file_kind(onnx_file, "m.onnx", limits) is FileKind.ONNX
