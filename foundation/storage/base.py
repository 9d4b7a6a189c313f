"""The storage contract shared by the backends, its errors, and object keys."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal, Protocol

KEY_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
MAX_KEY_SEGMENTS = 16
CHUNK_BYTES = 1 << 20
ProbeResult = Literal["ok", "full", "unavailable"]


class StorageError(Exception):
    """Base of every storage failure; the message is fit to show an operator."""


class InvalidKeyError(StorageError, ValueError):
    pass


class ObjectNotFoundError(StorageError, LookupError):
    pass


class StorageFullError(StorageError):
    """No space left: nothing of the object was kept."""


class StorageUnavailableError(StorageError):
    """The folder or object store cannot be reached or written."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    sha256: str


class Storage(Protocol):
    """Objects addressed by ``a/b/c.ext`` keys; writes are atomic (all or nothing).

    ``local_root`` is the folder holding the objects when they are plain files on this host (the
    local backend, possibly a shared volume), else ``None`` (an object store).
    """

    local_root: Path | None

    def write(self, key: str, chunks: Iterable[bytes]) -> StoredObject: ...

    def open(self, key: str) -> AbstractContextManager[BinaryIO]: ...

    def local_path(self, key: str) -> AbstractContextManager[Path]: ...

    def local_copy(self, key: str, cache_dir: Path) -> Path: ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...

    def delete(self, key: str) -> None: ...

    def keys(self, prefix: str = "") -> Iterator[str]: ...

    def probe(self) -> ProbeResult: ...


def check_key(key: str) -> str:
    """A key is 1–16 '/'-separated plain names: no '..', no absolute path, no hidden files."""
    segments = key.split("/")
    if not 0 < len(segments) <= MAX_KEY_SEGMENTS or not all(map(KEY_SEGMENT.fullmatch, segments)):
        raise InvalidKeyError(f"not a storage key: {key!r} (plain names separated by '/')")
    return key


class HashingCounter:
    """Counts and hashes the bytes as they pass, so a write reports size and sha256 in one pass."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0

    def add(self, chunk: bytes) -> bytes:
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk

    def stored(self, key: str) -> StoredObject:
        return StoredObject(key, self.size, self.digest.hexdigest())


def put_file(storage: Storage, key: str, path: Path) -> StoredObject:
    """Store the file at ``path`` under ``key`` (atomically, like every write)."""
    with path.open("rb") as handle:
        return storage.write(key, iter(lambda: handle.read(CHUNK_BYTES), b""))


def delete_prefix(storage: Storage, prefix: str) -> int:
    """Delete every object under ``prefix/``; how many were deleted."""
    keys = list(storage.keys(check_key(prefix)))
    for key in keys:
        storage.delete(key)
    return len(keys)
