"""Data builds: turn fetched sources into the files benchmarks and models read.

A build is a function registered with the sources it reads, writing into a fresh folder::

    @register_build("kriegeskorte2008", sources=("kriegeskorte2008-92images",), version=1)
    def build_kriegeskorte2008(sources: Mapping[str, Path], out: Path) -> None: ...

``ensure_built`` runs each build at most once per version and set of source checksums: its
output folder ``<data_dir>/<build name>`` carries a stamp saying what it was built from. Builds
run in a temporary folder moved into place when complete, so an interrupted or concurrent build
never leaves a half-written folder behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from scoring.data.sources import DataUnavailable, fetch_source, get_source, list_sources

BuildFunction = Callable[[Mapping[str, Path], Path], None]
STAMP = ".build.json"


@dataclass(frozen=True)
class DataBuild:
    name: str
    sources: tuple[str, ...]
    version: int
    run: BuildFunction

    def fingerprint(self) -> dict[str, object]:
        checksums = {name: _manifest_digest(name) for name in self.sources}
        return {"build": self.name, "version": self.version, "sources": checksums}


_BUILDS: dict[str, DataBuild] = {}


def register_build(
    name: str, *, sources: tuple[str, ...], version: int = 1
) -> Callable[[BuildFunction], BuildFunction]:
    def decorator(function: BuildFunction) -> BuildFunction:
        if name in _BUILDS:
            raise ValueError(f"data build {name!r} is registered twice")
        _BUILDS[name] = DataBuild(name, sources, version, function)
        return function

    return decorator


def list_builds() -> dict[str, DataBuild]:
    import scoring.data.builds  # noqa: F401  (registers every build)

    return dict(_BUILDS)


def get_build(name: str) -> DataBuild:
    builds = list_builds()
    if name not in builds:
        raise KeyError(f"no data build named {name!r}; known: {', '.join(builds)}")
    return builds[name]


def ensure_built(
    names: Iterable[str] | None,
    *,
    data_dir: Path,
    cache_dir: Path,
    mirror: str | Path | None = None,
    progress: bool = True,
) -> dict[str, Path]:
    """The output folder of each named build (all builds for ``None``), built where stale."""
    selected = [get_build(name) for name in names] if names is not None else list_builds().values()
    return {
        build.name: _ensure_one(build, data_dir, cache_dir, mirror, progress) for build in selected
    }


def is_built(build: DataBuild, data_dir: Path) -> bool:
    stamp = data_dir / build.name / STAMP
    return stamp.is_file() and json.loads(stamp.read_text()) == build.fingerprint()


def _ensure_one(
    build: DataBuild, data_dir: Path, cache_dir: Path, mirror: str | Path | None, progress: bool
) -> Path:
    target = data_dir / build.name
    if is_built(build, data_dir):
        return target
    sources = {name: fetch_source(name, cache_dir, mirror, progress) for name in build.sources}
    data_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=data_dir, prefix=f".{build.name}."))
    try:
        build.run(sources, scratch)
        (scratch / STAMP).write_text(json.dumps(build.fingerprint(), indent=1))
        _replace_folder(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _replace_folder(new: Path, target: Path) -> None:
    """Swap the finished folder in; the stale one (if any) is removed after the swap."""
    stale = target.with_name(f".{target.name}.stale-{os.getpid()}")
    if target.exists():
        os.replace(target, stale)
    # A concurrent build may have put its (equal) folder there first: keep that one.
    with contextlib.suppress(OSError):
        os.replace(new, target)
    shutil.rmtree(stale, ignore_errors=True)


def _manifest_digest(name: str) -> str:
    files = sorted((file.path, file.sha256) for file in get_source(name).files)
    return hashlib.sha256(json.dumps(files).encode()).hexdigest()[:16]


def obtain(
    names: Iterable[str] | None,
    *,
    data_dir: Path,
    cache_dir: Path,
    mirror: str | Path | None = None,
    progress: bool = True,
) -> list[Path]:
    """The data step: fetch the named sources and run the named builds (everything for
    ``None``); each name is a source or a build. Returns the folders it made ready."""
    builds, sources = list_builds(), list_sources()
    wanted = list(names) if names is not None else [*sources, *builds]
    unknown = [name for name in wanted if name not in builds and name not in sources]
    if unknown:
        raise DataUnavailable(
            f"unknown data {', '.join(unknown)}; sources: {', '.join(sources)}; "
            f"builds: {', '.join(builds)}"
        )
    folders = [
        fetch_source(name, cache_dir, mirror, progress) for name in wanted if name in sources
    ]
    built = ensure_built(
        [name for name in wanted if name in builds],
        data_dir=data_dir,
        cache_dir=cache_dir,
        mirror=mirror,
        progress=progress,
    )
    return [*folders, *built.values()]
