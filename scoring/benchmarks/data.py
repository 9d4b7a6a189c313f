"""Loading a benchmark's BrainIO files from its data folder (with SHA1 checks where known).

Unzipped stimulus sets are memoised per process in a private temporary folder: unpacking
10,000 small images costs seconds, and a folder private to the process means concurrent
workers never delete each other's images.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import xarray as xr

from scoring.benchmarks.base import Benchmark, DataFile
from scoring.data.brainio import load_assembly, load_stimulus_set
from scoring.data.stimuli import StimulusSet


def stimulus_set(
    benchmark: Benchmark,
    csv: DataFile,
    zip_file: DataFile,
    cache_dir: Path | None = None,
    verify: bool = True,
) -> StimulusSet:
    """The stimulus set of a CSV + ZIP pair, images unzipped under ``cache_dir`` (default: a
    folder private to this process, reused while the files are unchanged)."""
    csv_path, zip_path = benchmark.path(csv), benchmark.path(zip_file)
    csv_sha1 = csv.sha1_prefix if verify else None
    zip_sha1 = zip_file.sha1_prefix if verify else None
    if cache_dir is not None:
        return load_stimulus_set(
            csv_path, zip_path, csv.identifier, cache_dir, csv_sha1=csv_sha1, zip_sha1=zip_sha1
        )
    stamp = (csv_path.stat().st_mtime_ns, zip_path.stat().st_size, zip_path.stat().st_mtime_ns)
    return _memoised_set(csv_path, zip_path, csv.identifier, csv_sha1, zip_sha1, stamp)


@functools.lru_cache(maxsize=16)
def _memoised_set(
    csv_path: Path,
    zip_path: Path,
    identifier: str,
    csv_sha1: str | None,
    zip_sha1: str | None,
    stamp: tuple[int, int, int],
) -> StimulusSet:
    folder = _process_folder() / f"{abs(hash((csv_path, zip_path, stamp))):x}"
    return load_stimulus_set(
        csv_path, zip_path, identifier, folder, csv_sha1=csv_sha1, zip_sha1=zip_sha1
    )


@functools.cache
def _process_folder() -> Path:
    holder = tempfile.TemporaryDirectory(prefix="ventral-stimuli-")
    _KEEP_ALIVE.append(holder)
    return Path(holder.name)


_KEEP_ALIVE: list[tempfile.TemporaryDirectory[str]] = []


def assembly(
    benchmark: Benchmark,
    nc: DataFile,
    stimuli: StimulusSet | None = None,
    verify: bool = True,
) -> xr.DataArray:
    """The assembly with the stimulus set's metadata merged into its presentations."""
    return load_assembly(benchmark.path(nc), stimuli, sha1=nc.sha1_prefix if verify else None)
