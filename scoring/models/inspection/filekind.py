"""What an uploaded file is, judged from its magic bytes and its name, without loading it."""

from __future__ import annotations

import enum
import pickletools
import zipfile
from pathlib import Path

from scoring.models.inspection.errors import (
    FileTooLargeError,
    PickleRefusedError,
    UnsupportedFileError,
)
from scoring.models.inspection.filenames import check_user_filename
from scoring.models.inspection.limits import InspectionLimits

PICKLE_EXTENSIONS = frozenset(
    {".pt", ".pth", ".pkl", ".pickle", ".bin", ".ckpt", ".tar", ".joblib"}
)
CONVERT_HINT = (
    "convert it on your own machine with `ventral convert MODEL.pth --arch ID` "
    "and upload the .safetensors file it writes"
)
_ZIP_MAGIC = b"PK\x03\x04"
_PICKLE_PROTOCOL_OPCODE = 0x80
_MAGIC_PREFIX_BYTES = 64 * 1024


class FileKind(enum.Enum):
    SAFETENSORS = "safetensors"
    ONNX = "onnx"


def detect_file_kind(path: Path, user_filename: str, limits: InspectionLimits) -> FileKind:
    """Classify an upload; refuse pickles, archives, oversized and unknown files."""
    check_user_filename(user_filename)
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise FileTooLargeError(
            f"the file has {size:,} bytes; the limit is {limits.max_file_bytes:,} bytes"
        )
    suffix = Path(user_filename).suffix.lower()
    head = _read_head(path)
    _refuse_pickle_containers(path, suffix, head)
    if suffix == ".safetensors" and _looks_like_safetensors(head):
        return FileKind.SAFETENSORS
    if suffix == ".onnx" and _looks_like_onnx(head):
        return FileKind.ONNX
    if _looks_like_pickle(head):
        raise PickleRefusedError(
            f"the file holds Python pickle data, which can run code when loaded; {CONVERT_HINT}"
        )
    raise UnsupportedFileError(
        f"{user_filename!r} is not a safetensors (.safetensors) or ONNX (.onnx) file "
        "(judged by its name and its first bytes)"
    )


def _read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(_MAGIC_PREFIX_BYTES)


def _refuse_pickle_containers(path: Path, suffix: str, head: bytes) -> None:
    if suffix in PICKLE_EXTENSIONS:
        raise PickleRefusedError(
            f"{suffix} files are Python pickles, which can run code when loaded; {CONVERT_HINT}"
        )
    if head.startswith(_ZIP_MAGIC):
        _refuse_zip(path)


def _refuse_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        names = []
    for name in names:
        check_user_filename(name)
    if any(name.endswith((".pkl", "/data.pkl")) for name in names):
        raise PickleRefusedError(
            f"the file is a torch checkpoint (a zip holding data.pkl); {CONVERT_HINT}"
        )
    raise UnsupportedFileError("zip archives are not accepted; upload one .safetensors or .onnx")


def _looks_like_pickle(head: bytes) -> bool:
    """Protocol 2+ pickles start with PROTO; protocols 0/1 are recognised by parsing opcodes."""
    if len(head) >= 2 and head[0] == _PICKLE_PROTOCOL_OPCODE and 2 <= head[1] <= 5:
        return True
    return _parses_as_pickle_opcodes(head)


def _parses_as_pickle_opcodes(head: bytes, needed: int = 3) -> bool:
    # pickletools only decodes opcodes; it never builds objects or imports anything.
    if not head or head[:1] not in b"(]}cK":
        return False
    seen = 0
    try:
        for opcode, _argument, _position in pickletools.genops(head):
            seen += 1
            if opcode.name == "STOP" or seen >= needed:
                return True
    except (ValueError, IndexError, UnicodeDecodeError):
        return False
    return False


def _looks_like_safetensors(head: bytes) -> bool:
    return len(head) >= 9 and head[8:9] == b"{"


def _looks_like_onnx(head: bytes) -> bool:
    # ModelProto field 1 (ir_version, varint) is written first by every ONNX exporter.
    return head[:1] == b"\x08"
