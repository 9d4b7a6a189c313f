"""This host's scratch folder: upload staging and other short-lived working folders.

A process killed mid-request (a web restart during an upload) cannot delete its staging folder;
``remove_stale`` reclaims such folders later, judging them by their newest modification time so
that an upload still streaming (its file keeps changing) is never touched.
"""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

from foundation.config import Settings

STAGING = "staging"
STALE_AFTER_SECONDS = 6 * 3600


def new_staging_folder(settings: Settings) -> Path:
    folder = settings.scratch_dir / STAGING / uuid.uuid4().hex
    folder.mkdir(parents=True)
    return folder


def remove_staging(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def remove_stale_staging(settings: Settings, max_age: float = STALE_AFTER_SECONDS) -> int:
    """Delete staging folders untouched for ``max_age`` seconds; how many were deleted."""
    return remove_stale(settings.scratch_dir / STAGING, max_age)


def remove_stale(root: Path, max_age: float) -> int:
    if not root.is_dir():
        return 0
    deadline = time.time() - max_age
    stale = [entry for entry in root.iterdir() if _newest_change(entry) < deadline]
    for entry in stale:
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    return len(stale)


def remove_stale_files(root: Path, max_age: float) -> int:
    """Delete the files under ``root`` not modified (or, for cached copies, used: see
    ``FsspecStorage.local_copy``) for ``max_age`` seconds; how many were deleted."""
    if not root.is_dir():
        return 0
    deadline = time.time() - max_age
    stale = [path for path in root.rglob("*") if path.is_file() and _newest_change(path) < deadline]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def _newest_change(entry: Path) -> float:
    try:
        times = [entry.stat().st_mtime]
        if entry.is_dir():
            times += [path.stat().st_mtime for path in entry.rglob("*")]
    except FileNotFoundError:  # removed meanwhile by its own request
        return time.time()
    return max(times)
