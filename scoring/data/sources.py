"""Where the offline data come from: pinned public origins, checksums, and a mirror.

A *source* is a folder of files described by a manifest, ``scoring/data/manifests/<name>.json``:
each file's path, sha256 and size, and the public URL it was published at, pinned to a commit or
a version. A file that was derived from its origin (CIFAR-10's loose JPEGs packed into one zip,
say) has no URL of its own: it comes from a mirror only, and the manifest's ``origin`` says what it
was derived from.

``fetch_source`` copies a source into a cache folder, from the mirror when one is set (a folder or
a URL laid out as ``<mirror>/<name>/<path>``: machines without internet use one; a file a folder
mirror lacks comes from its origin URL when it has one), otherwise from each file's origin, and
verifies every file's sha256 before it is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO

from tqdm import tqdm

MANIFESTS = Path(__file__).with_name("manifests")
MIRROR_HINT = (
    "set VENTRAL_DATA_MIRROR to a folder or URL that holds the same files as <name>/<path> "
    "(see docs/data.md)"
)
_CHUNK = 1 << 20


class DataUnavailable(RuntimeError):
    """A source's file cannot be obtained here (no mirror, no origin URL, or no connection)."""


class ChecksumMismatch(DataUnavailable):
    """A file's content is not the pinned one."""


@dataclass(frozen=True)
class SourceFile:
    path: str
    sha256: str
    size: int
    url: str | None = None  # None: derived from the origin, obtainable from a mirror only


@dataclass(frozen=True)
class DataSource:
    name: str
    title: str
    license: str
    citation: str
    origin: str
    files: tuple[SourceFile, ...]

    @property
    def size(self) -> int:
        return sum(file.size for file in self.files)


@cache
def list_sources() -> dict[str, DataSource]:
    """Every source with a manifest, by name."""
    return {path.stem: _read_manifest(path) for path in sorted(MANIFESTS.glob("*.json"))}


def get_source(name: str) -> DataSource:
    try:
        return list_sources()[name]
    except KeyError:
        known = ", ".join(list_sources())
        raise DataUnavailable(f"no data source named {name!r}; known: {known}") from None


def _read_manifest(path: Path) -> DataSource:
    raw = json.loads(path.read_text())
    files = tuple(SourceFile(**entry) for entry in raw.pop("files"))
    return DataSource(files=files, **raw)


def fetch_source(
    name: str, cache_dir: Path, mirror: str | Path | None = None, progress: bool = True
) -> Path:
    """The folder ``cache_dir/name`` holding every file of the source, each verified."""
    return fetch(get_source(name), cache_dir, mirror, progress)


def fetch(
    source: DataSource, cache_dir: Path, mirror: str | Path | None = None, progress: bool = True
) -> Path:
    """``fetch_source`` for a source given by its manifest."""
    name = source.name
    folder = cache_dir / name
    missing = [file for file in source.files if not _is_cached(folder, file)]
    mirror_only = [file.path for file in missing if file.url is None]
    if mirror_only and not mirror:
        raise DataUnavailable(
            f"{name} ({', '.join(mirror_only)}) comes from a mirror only, since it was derived "
            f"from its origin (scoring/data/manifests/{name}.json): {MIRROR_HINT}"
        )
    bar = tqdm(
        total=sum(file.size for file in missing),
        unit="B",
        unit_scale=True,
        desc=f"data {name}",
        disable=not progress or not missing,
    )
    with bar:
        for file in missing:
            _fetch_file(source, file, folder, mirror, bar)
    return folder


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_cached(folder: Path, file: SourceFile) -> bool:
    """True when the cached copy was verified and has not changed since (size and mtime)."""
    target = folder / file.path
    stamp = _stamp_path(target)
    if not target.is_file() or not stamp.is_file():
        return False
    stat = target.stat()
    return stamp.read_text() == f"{file.sha256} {stat.st_size} {stat.st_mtime_ns}"


def _stamp_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.sha256")


def _fetch_file(
    source: DataSource, file: SourceFile, folder: Path, mirror: str | Path | None, bar: tqdm
) -> None:
    target = folder / file.path
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            _copy_from_origin(source, file, mirror, stream, bar)
        _check(Path(temporary), file, source.name)
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    stat = target.stat()
    _stamp_path(target).write_text(f"{file.sha256} {stat.st_size} {stat.st_mtime_ns}")


def _copy_from_origin(
    source: DataSource, file: SourceFile, mirror: str | Path | None, out: IO[bytes], bar: tqdm
) -> None:
    location = _join(str(mirror), source.name, file.path) if mirror else str(file.url)
    if mirror and "://" not in location and not Path(location).is_file() and file.url:
        # A folder mirror that lacks a file with a public origin (say, a package registry's
        # wheel not copied there): the origin, checked against the same sha256.
        location = file.url
    for chunk in _read_chunks(location, f"{source.name}/{file.path}"):
        out.write(chunk)
        bar.update(len(chunk))


def _join(mirror: str, name: str, path: str) -> str:
    if "://" in mirror:
        return f"{mirror.rstrip('/')}/{name}/{path}"
    return str(Path(mirror) / name / path)


def _read_chunks(location: str, label: str) -> Iterator[bytes]:
    if "://" not in location:
        if not Path(location).is_file():
            raise DataUnavailable(
                f"{label} is not in the mirror (looked for {location}); {MIRROR_HINT}"
            )
        with open(location, "rb") as stream:
            yield from iter(lambda: stream.read(_CHUNK), b"")
        return
    if not location.startswith(("https://", "http://")):
        raise DataUnavailable(f"{label}: only http(s) origins are fetched, not {location}")
    try:
        with urllib.request.urlopen(location, timeout=60) as response:  # noqa: S310 (scheme checked)
            yield from iter(lambda: response.read(_CHUNK), b"")
    except OSError as error:
        raise DataUnavailable(
            f"{label} could not be downloaded from {location} ({error}); {MIRROR_HINT}"
        ) from None


def _check(path: Path, file: SourceFile, name: str) -> None:
    actual = file_sha256(path)
    if actual != file.sha256:
        raise ChecksumMismatch(
            f"{name}/{file.path} has sha256 {actual}, expected {file.sha256}: the mirror or "
            "origin holds another version of this file"
        )
