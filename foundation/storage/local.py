"""Storage in a local (or shared, mounted) folder. Atomic writes: a temporary file in the same
file system, fsync'ed, then renamed over the key; readers never see a partial file."""

from __future__ import annotations

import contextlib
import errno
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from foundation.storage.base import (
    HashingCounter,
    ObjectNotFoundError,
    ProbeResult,
    StorageFullError,
    StorageUnavailableError,
    StoredObject,
    check_key,
)

TEMP_FOLDER = ".incoming"
NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.local_root: Path | None = self.root

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def write(self, key: str, chunks: Iterable[bytes]) -> StoredObject:
        target = self.path(key)
        temporary = self._temporary_path()
        counter = HashingCounter()
        try:
            self._write_file(temporary, _from_source(chunks, counter))
            _move_into_place(temporary, target)
        except SourceError as error:
            raise error.original from None
        except OSError as error:
            raise _storage_error(error, key) from error
        finally:
            _remove_quietly(temporary)
        return counter.stored(key)

    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        try:
            handle = self.path(key).open("rb")
        except FileNotFoundError:
            raise ObjectNotFoundError(f"no stored object {key!r}") from None
        with handle:
            yield handle

    @contextmanager
    def local_path(self, key: str) -> Iterator[Path]:
        path = self.path(key)
        if not path.is_file():
            raise ObjectNotFoundError(f"no stored object {key!r}")
        yield path

    def local_copy(self, key: str, cache_dir: Path) -> Path:
        """The object's own file: it is on this host already (``cache_dir`` is not needed)."""
        path = self.path(key)
        if not path.is_file():
            raise ObjectNotFoundError(f"no stored object {key!r}")
        return path

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            raise ObjectNotFoundError(f"no stored object {key!r}") from None

    def delete(self, key: str) -> None:
        path = self.path(key)
        path.unlink(missing_ok=True)
        self._remove_empty_folders(path.parent)

    def _remove_empty_folders(self, folder: Path) -> None:
        """Folders exist only to hold objects: drop the ones a deletion left empty."""
        while folder != self.root and folder.is_relative_to(self.root):
            try:
                folder.rmdir()
            except OSError:  # not empty (or already gone): the folders above are in use too
                return
            folder = folder.parent

    def keys(self, prefix: str = "") -> Iterator[str]:
        base = self.root / prefix if prefix else self.root
        if not base.is_dir():
            return
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(self.root).as_posix()
            if path.is_file() and not relative.startswith(TEMP_FOLDER + "/"):
                yield relative

    def probe(self) -> ProbeResult:
        """Can a new object be written right now? Writes and removes a one-byte file."""
        probe = self._temporary_path()
        try:
            self._write_file(probe, [b"\0"])
        except OSError as error:
            return "full" if error.errno in NO_SPACE else "unavailable"
        finally:
            _remove_quietly(probe)
        return "ok"

    def remove_leftovers(self) -> int:
        """Delete temporary files of writes interrupted by a crash; how many were removed."""
        folder = self.root / TEMP_FOLDER
        leftovers = list(folder.iterdir()) if folder.is_dir() else []
        for path in leftovers:
            path.unlink(missing_ok=True)
        return len(leftovers)

    def _temporary_path(self) -> Path:
        return self.root / TEMP_FOLDER / f"{uuid.uuid4().hex}.part"

    @staticmethod
    def _write_file(path: Path, chunks: Iterable[bytes]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())


class SourceError(Exception):
    """Wraps what the caller's chunks raised, so it is not mistaken for a storage failure."""

    def __init__(self, original: Exception) -> None:
        super().__init__(str(original))
        self.original = original


def _from_source(chunks: Iterable[bytes], counter: HashingCounter) -> Iterator[bytes]:
    iterator = iter(chunks)
    while True:
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        except Exception as error:
            raise SourceError(error) from error
        yield counter.add(chunk)


def _move_into_place(temporary: Path, target: Path) -> None:
    for attempt in range(3):
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(temporary, target)
            return
        except FileNotFoundError:
            # A deletion emptied and removed the folder between mkdir and replace; make it again.
            if attempt == 2:
                raise


def _remove_quietly(path: Path) -> None:
    # OSError: the folder itself is gone or unusable; nothing of ours is left there.
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _storage_error(error: OSError, key: str) -> Exception:
    if error.errno in NO_SPACE:
        return StorageFullError(f"no space left in the storage folder; {key!r} was not stored")
    return StorageUnavailableError(f"could not store {key!r}: {error.strerror or error}")
