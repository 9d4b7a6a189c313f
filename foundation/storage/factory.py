"""Chooses the storage backend from the settings, and where this host keeps its own files."""

from __future__ import annotations

from pathlib import Path

from foundation.config import Settings
from foundation.storage.base import Storage
from foundation.storage.local import LocalStorage


def storage_from_settings(settings: Settings) -> Storage:
    """The object store named by ``storage_url`` if set, else the local ``storage_dir``."""
    url = settings.storage_url.strip()
    if not url:
        return LocalStorage(settings.storage_dir)
    if url.startswith("file://"):
        return LocalStorage(Path(url.removeprefix("file://")))
    from foundation.storage.fsspec_store import FsspecStorage

    return FsspecStorage(url)


def shared_folder(settings: Settings, storage: Storage, name: str) -> Path:
    """A folder for files worth sharing between hosts but not worth an object each (activation
    caches, training checkpoints): inside the storage folder when it is one (a volume every host
    mounts), else in this host's scratch folder."""
    root = storage.local_root if storage.local_root is not None else settings.scratch_dir
    return root / name


def objects_cache(settings: Settings) -> Path:
    """Where this host keeps downloaded copies of stored objects (object stores only)."""
    return settings.scratch_dir / "objects"
