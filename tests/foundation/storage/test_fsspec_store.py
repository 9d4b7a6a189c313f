"""The object-store backend through fsspec's memory and local file systems (no S3 server here:
s3fs and moto are not installed, see docs/deployment.md). The same code serves ``s3://`` URLs."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from foundation.storage import ObjectNotFoundError
from foundation.storage.fsspec_store import FsspecStorage


def test_round_trip_and_listing_on_an_fsspec_store() -> None:
    storage = FsspecStorage("memory://ventral-test-round-trip")
    stored = storage.write("artifacts/9/weights.safetensors", [b"ab", b"cd"])
    assert stored.size == 4
    with storage.open("artifacts/9/weights.safetensors") as handle:
        assert handle.read() == b"abcd"
    with storage.local_path("artifacts/9/weights.safetensors") as path:
        assert path.read_bytes() == b"abcd"
    assert list(storage.keys()) == ["artifacts/9/weights.safetensors"]
    assert storage.probe() == "ok"
    storage.delete("artifacts/9/weights.safetensors")
    with pytest.raises(ObjectNotFoundError):
        storage.size("artifacts/9/weights.safetensors")


def test_a_failed_upload_is_discarded_not_committed(tmp_path: Path) -> None:
    # The local file system implements fsspec's transactional writes as s3fs does.
    storage = FsspecStorage(f"file://{tmp_path}")
    storage.write("uploads/0.onnx", [b"complete"])

    def broken() -> Iterator[bytes]:
        yield b"half"
        raise ConnectionResetError

    with pytest.raises(ConnectionResetError):
        storage.write("uploads/1.onnx", broken())
    assert not storage.exists("uploads/1.onnx")
    assert list(storage.keys()) == ["uploads/0.onnx"]
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["0.onnx"]
