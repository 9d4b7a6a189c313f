"""Chooses the storage backend from the settings."""

from __future__ import annotations

from pathlib import Path

from app.core.config import Settings
from app.storage.base import Storage
from app.storage.local import LocalStorage


def storage_from_settings(settings: Settings) -> Storage:
    """The object store named by ``storage_url`` if set, else the local ``storage_dir``."""
    url = settings.storage_url.strip()
    if not url:
        return LocalStorage(settings.storage_dir)
    if url.startswith("file://"):
        return LocalStorage(Path(url.removeprefix("file://")))
    from app.storage.fsspec_store import FsspecStorage

    return FsspecStorage(url)
