"""Storage in an object store through fsspec (S3 and S3-compatible stores via s3fs).

fsspec and s3fs are imported only when this backend is used, so the default install does not
need them. An object-store upload becomes visible only when it completes (S3 multipart upload);
a failed write is discarded (the multipart upload aborted), never committed half-written
(fsspec's ``autocommit=False`` protocol, which s3fs and the local file system implement).
Credentials come from the library's usual places (``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT_URL``, …).
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from foundation.storage.base import (
    HashingCounter,
    ObjectNotFoundError,
    ProbeResult,
    StorageUnavailableError,
    StoredObject,
    check_key,
)

PROBE_KEY = "ventral-probe"


class FsspecStorage:
    def __init__(self, url: str, **options: Any) -> None:
        try:
            import fsspec
        except ImportError as error:
            raise StorageUnavailableError(
                f"VENTRAL_STORAGE_URL={url!r} needs fsspec and s3fs installed ({error})"
            ) from error
        self.fs, root = fsspec.core.url_to_fs(url, **options)
        self.root = root.rstrip("/")
        self.local_root: Path | None = None

    def path(self, key: str) -> str:
        return f"{self.root}/{check_key(key)}"

    def write(self, key: str, chunks: Iterable[bytes]) -> StoredObject:
        counter = HashingCounter()
        self.fs.makedirs(posixpath.dirname(self.path(key)), exist_ok=True)
        # autocommit=False: the object appears only at commit(); discard() aborts the upload.
        handle = self.fs.open(self.path(key), "wb", autocommit=False)
        try:
            for chunk in chunks:
                handle.write(counter.add(chunk))
            handle.close()
        except BaseException:
            handle.discard()
            # Close the discarded file now (s3fs's close then fails on the dropped buffer, and
            # marks it closed): else fsspec's __del__ fails the same way at garbage collection,
            # which can run inside any code (it broke a compile() in the test suite).
            with contextlib.suppress(Exception):
                handle.close()
            raise
        handle.commit()
        return counter.stored(key)

    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        try:
            handle = self.fs.open(self.path(key), "rb")
        except FileNotFoundError:
            raise ObjectNotFoundError(f"no stored object {key!r}") from None
        with handle:
            yield handle

    @contextmanager
    def local_path(self, key: str) -> Iterator[Path]:
        """A local copy for code that needs a file name (torch, onnxruntime); removed afterwards."""
        with tempfile.TemporaryDirectory(prefix="ventral-object-") as folder:
            copy = Path(folder) / Path(key).name
            with self.open(key) as source, copy.open("wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
            yield copy

    def local_copy(self, key: str, cache_dir: Path) -> Path:
        """A copy under ``cache_dir/<key>``, downloaded once and kept while the object is the
        same version (size and ETag or modification time: a key deleted and written again with
        other bytes is fetched again). The download lands under a temporary name first, so
        concurrent workers on one host never read a half-written copy."""
        target = cache_dir / check_key(key)
        stamp = target.with_name(f".{target.name}.version")
        version = self._version(key)
        if target.is_file() and stamp.is_file() and stamp.read_text() == version:
            for used in (target, stamp):  # kept by the scratch pruning (foundation.storage.scratch)
                used.touch()
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with self.open(key) as source:
            _replace_atomically(target, lambda copy: shutil.copyfileobj(source, copy, 1 << 20))
        _replace_atomically(stamp, lambda copy: copy.write(version.encode()))
        return target

    def _version(self, key: str) -> str:
        try:
            info = self.fs.info(self.path(key))
        except FileNotFoundError:
            raise ObjectNotFoundError(f"no stored object {key!r}") from None
        tag = info.get("ETag") or info.get("LastModified") or info.get("mtime") or ""
        return f"{info.get('size')}:{tag}"

    def exists(self, key: str) -> bool:
        return bool(self.fs.isfile(self.path(key)))

    def size(self, key: str) -> int:
        try:
            return int(self.fs.size(self.path(key)))
        except FileNotFoundError:
            raise ObjectNotFoundError(f"no stored object {key!r}") from None

    def delete(self, key: str) -> None:
        if self.exists(key):
            self.fs.rm_file(self.path(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        base = f"{self.root}/{prefix}".rstrip("/")
        for path in sorted(self.fs.find(base)):
            yield path.removeprefix(self.root + "/")

    def probe(self) -> ProbeResult:
        try:
            self.write(PROBE_KEY, [b"\0"])
            self.delete(PROBE_KEY)
        except Exception:  # any store error means the same to an operator: cannot write now
            return "unavailable"
        return "ok"


def _replace_atomically(target: Path, write: Callable[[BinaryIO], object]) -> None:
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        with partial.open("wb") as handle:
            write(handle)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
