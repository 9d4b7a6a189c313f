"""Staging folders left by a web process killed during an upload are reclaimed at the next start;
a folder whose upload is still streaming is not."""

import os
import time
from pathlib import Path

from app.main import create_app
from foundation.config import Settings
from foundation.storage.scratch import STALE_AFTER_SECONDS, new_staging_folder, remove_stale_files


def _age(folder: Path, seconds: float) -> None:
    past = time.time() - seconds
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (past, past))


def test_the_web_start_removes_stale_staging_folders_only(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, environment="test", secret_key="k" * 20,  # type: ignore[call-arg]
                        var_dir=tmp_path / "var", database_url="sqlite://")  # fmt: skip
    stale, streaming = new_staging_folder(settings), new_staging_folder(settings)
    (stale / "weights.safetensors").write_bytes(b"half an upload")
    (streaming / "weights.safetensors").write_bytes(b"still arriving")
    _age(stale, STALE_AFTER_SECONDS + 60)
    _age(streaming, STALE_AFTER_SECONDS + 60)
    (streaming / "weights.safetensors").write_bytes(b"still arriving, more")  # touched just now

    create_app(settings)

    assert not stale.exists()
    assert (streaming / "weights.safetensors").is_file()
    assert settings.scratch_dir == tmp_path / "var" / "scratch"


def test_copies_unused_for_a_week_are_pruned_file_by_file(tmp_path: Path) -> None:
    week = 7 * 24 * 3600
    old, used = tmp_path / "uploads" / "1" / "w.safetensors", tmp_path / "uploads" / "2" / "w"
    for path in (old, used):
        path.parent.mkdir(parents=True)
        path.write_bytes(b"copy")
        os.utime(path, (time.time() - week - 60, time.time() - week - 60))
    used.touch()  # what local_copy does on a cache hit

    assert remove_stale_files(tmp_path, week) == 1
    assert not old.exists() and used.is_file()
