"""The local storage backend: atomic writes, keys that cannot escape the folder, a full disk."""

import errno
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from foundation.config import Settings
from foundation.storage import (
    InvalidKeyError,
    ObjectNotFoundError,
    StorageFullError,
    storage_from_settings,
)
from foundation.storage.local import LocalStorage


def test_write_reports_size_and_sha256_and_reads_back(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    stored = storage.write("weights/7/model.safetensors", [b"abc", b"", b"def"])
    assert (stored.size, stored.sha256) == (6, hashlib.sha256(b"abcdef").hexdigest())
    with storage.open("weights/7/model.safetensors") as handle:
        assert handle.read() == b"abcdef"
    assert storage.size("weights/7/model.safetensors") == 6
    assert list(storage.keys()) == ["weights/7/model.safetensors"]


def test_overwrite_replaces_the_whole_object(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    storage.write("a.bin", [b"x" * 1000])
    storage.write("a.bin", [b"short"])
    with storage.local_path("a.bin") as path:
        assert path.read_bytes() == b"short"


@pytest.mark.parametrize(
    "key", ["", "../escape", "a/../../b", "/etc/passwd", "a//b", ".hidden", "a/.incoming", "a\\b"]
)
def test_keys_that_could_escape_or_hide_are_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(InvalidKeyError):
        LocalStorage(tmp_path).write(key, [b"x"])


def test_a_failing_source_leaves_no_object_and_no_temporary_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)

    def broken_upload() -> Iterator[bytes]:
        yield b"first half"
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        storage.write("uploads/1.safetensors", broken_upload())
    assert not storage.exists("uploads/1.safetensors")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_no_space_left_is_a_storage_full_error_and_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = LocalStorage(tmp_path)
    storage.write("kept.bin", [b"old"])

    def full(_path: Path, _chunks: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(LocalStorage, "_write_file", staticmethod(full))
    with pytest.raises(StorageFullError, match="no space left"):
        storage.write("kept.bin", [b"new"])
    assert storage.probe() == "full"
    monkeypatch.undo()
    with storage.open("kept.bin") as handle:
        assert handle.read() == b"old"
    assert storage.probe() == "ok"


def test_probe_says_unavailable_when_the_folder_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    assert LocalStorage(tmp_path / "file" / "storage").probe() == "unavailable"


def test_missing_objects_raise_not_found(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    with pytest.raises(ObjectNotFoundError):
        storage.size("nope.bin")
    with pytest.raises(ObjectNotFoundError), storage.open("nope.bin"):
        pass
    storage.delete("nope.bin")  # deleting what is gone is not an error


def test_leftovers_of_an_interrupted_write_are_invisible_and_removable(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    (tmp_path / ".incoming").mkdir()
    (tmp_path / ".incoming" / "dead.part").write_bytes(b"half")
    storage.write("done.bin", [b"x"])
    assert list(storage.keys()) == ["done.bin"]
    assert storage.remove_leftovers() == 1


def test_settings_choose_the_backend(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, environment="test", secret_key="k" * 20,
                        storage_dir=tmp_path / "s")  # type: ignore[call-arg]  # fmt: skip
    local = storage_from_settings(settings)
    assert isinstance(local, LocalStorage) and local.root == tmp_path / "s"
    by_url = storage_from_settings(
        settings.model_copy(update={"storage_url": f"file://{tmp_path}"})
    )
    assert isinstance(by_url, LocalStorage) and by_url.root == tmp_path
