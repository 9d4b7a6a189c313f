"""The object-store backend against a real S3 endpoint on loopback (moto's server, through
s3fs): atomic writes (an aborted multipart upload leaves no object), listing by prefix, copies
on this host, and an unreachable store reported as such."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from foundation.storage import ObjectNotFoundError, delete_prefix, put_file
from foundation.storage.fsspec_store import FsspecStorage
from tests.foundation.storage.s3 import S3Endpoint, s3_endpoint

BUCKET = "ventral-backend"
MIB = 1 << 20


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Endpoint]:
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with pytest.MonkeyPatch.context() as patch, s3_endpoint(log) as server:
        for name, value in server.environment().items():
            patch.setenv(name, value)
        server.create_bucket(BUCKET)
        yield server


@pytest.fixture
def storage(endpoint: S3Endpoint) -> FsspecStorage:
    # 5 MiB parts (S3's smallest): a 12 MiB object goes up as a multipart upload.
    return FsspecStorage(f"s3://{BUCKET}/{uuid.uuid4().hex}", default_block_size=5 * MIB)


def test_objects_round_trip_and_list_by_prefix(storage: FsspecStorage, tmp_path: Path) -> None:
    source = tmp_path / "weights.safetensors"
    source.write_bytes(b"w" * (12 * MIB))
    stored = put_file(storage, "uploads/3/weights.safetensors", source)
    storage.write("uploads/3/manifest.json", [b"{}"])
    storage.write("uploads/30/weights.safetensors", [b"other"])

    assert stored.size == 12 * MIB and storage.size(stored.key) == 12 * MIB
    assert list(storage.keys("uploads/3")) == [
        "uploads/3/manifest.json",
        "uploads/3/weights.safetensors",
    ]
    copy = storage.local_copy(stored.key, tmp_path / "cache")
    assert copy.read_bytes() == source.read_bytes()
    assert storage.local_copy(stored.key, tmp_path / "cache") == copy  # kept, not fetched again
    assert storage.probe() == "ok"

    assert delete_prefix(storage, "uploads/3") == 2
    assert list(storage.keys()) == ["uploads/30/weights.safetensors"]
    with pytest.raises(ObjectNotFoundError):
        storage.local_copy(stored.key, tmp_path / "elsewhere")


def test_a_copy_is_fetched_again_when_its_key_holds_other_bytes(
    storage: FsspecStorage, tmp_path: Path
) -> None:
    # A data file deleted and imported again with other content of the same size.
    storage.write("data/assy_x.nc", [b"first"])
    copy = storage.local_copy("data/assy_x.nc", tmp_path)
    storage.delete("data/assy_x.nc")
    storage.write("data/assy_x.nc", [b"again"])
    assert storage.local_copy("data/assy_x.nc", tmp_path) == copy
    assert copy.read_bytes() == b"again"


def test_a_write_that_fails_midway_leaves_no_object(storage: FsspecStorage) -> None:
    def upload_cut_after_two_parts() -> Iterator[bytes]:
        yield b"a" * (6 * MIB)
        yield b"b" * (6 * MIB)
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        storage.write("uploads/4/weights.safetensors", upload_cut_after_two_parts())
    assert not storage.exists("uploads/4/weights.safetensors")
    assert list(storage.keys()) == []
    bucket, _, prefix = storage.root.partition("/")
    pending = storage.fs.call_s3("list_multipart_uploads", Bucket=bucket, Prefix=prefix)
    assert pending.get("Uploads", []) == []  # the parts already sent were aborted


def test_an_unreachable_store_is_reported_not_raised(tmp_path: Path) -> None:
    with s3_endpoint(tmp_path / "moto.log") as server:
        server.create_bucket("going-away")
        storage = FsspecStorage(
            "s3://going-away/x",
            endpoint_url=server.url,
            key="k",
            secret="s",
            config_kwargs={"retries": {"max_attempts": 1}, "connect_timeout": 1},
        )
        assert storage.probe() == "ok"
    assert storage.probe() == "unavailable"
