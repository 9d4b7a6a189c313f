"""A full disk under the storage folder (a 20 MiB tmpfs): writes fail cleanly and keep nothing,
``/healthz`` says the storage is full, and everything works again once space is freed."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from foundation.config import Settings
from foundation.storage import StorageFullError
from foundation.storage.local import LocalStorage
from tests.chaos.servers import WEB_PARTS_OK, WebProcess

pytestmark = [pytest.mark.chaos, pytest.mark.timeout(120)]
MEBIBYTE = 1 << 20


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(mount_point)], check=True
    )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def fill(folder: Path) -> Path:
    """Write a filler file until the file system refuses (ENOSPC)."""
    filler = folder / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * MEBIBYTE)
                handle.flush()
        except OSError:
            pass
    return filler


def test_full_storage_refuses_writes_whole_and_reports_it(
    chaos_settings: Settings, small_disk: Path, tmp_path: Path
) -> None:
    settings = chaos_settings.model_copy(update={"storage_dir": small_disk / "storage"})
    storage = LocalStorage(settings.storage_dir)
    storage.write("artifacts/1/weights.safetensors", [b"w" * MEBIBYTE])
    web = WebProcess(settings, tmp_path / "web.log")
    web.start()
    try:
        assert web.own_parts() == WEB_PARTS_OK
        filler = fill(small_disk)

        with pytest.raises(StorageFullError):
            storage.write("artifacts/2/weights.safetensors", (b"x" * MEBIBYTE for _ in range(8)))
        assert list(storage.keys()) == ["artifacts/1/weights.safetensors"]
        assert list((settings.storage_dir / ".incoming").iterdir()) == []
        status, body = web.health()
        assert (status, body["status"], body["storage"], body["database"]) == (
            503, "degraded", "full", "ok",
        )  # fmt: skip
        assert "file storage cannot be written" in body["detail"]

        filler.unlink()
        assert web.own_parts() == WEB_PARTS_OK
        stored = storage.write("artifacts/2/weights.safetensors", [b"x" * MEBIBYTE])
        assert stored.size == MEBIBYTE
        with storage.open("artifacts/1/weights.safetensors") as handle:
            assert handle.read() == b"w" * MEBIBYTE
    finally:
        web.stop()
