"""Loading a benchmark's BrainIO files from its data folder (with SHA1 checks where known)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import xarray as xr

from scoring.benchmarks.base import Benchmark, DataFile
from scoring.data.brainio import load_assembly, load_stimulus_set
from scoring.data.stimuli import StimulusSet

DEFAULT_CACHE_DIR = Path(tempfile.gettempdir()) / "ventral-stimuli"


def stimulus_set(
    benchmark: Benchmark,
    csv: DataFile,
    zip_file: DataFile,
    cache_dir: Path | None = None,
    verify: bool = True,
) -> StimulusSet:
    """The stimulus set of a CSV + ZIP pair, images unzipped under ``cache_dir``."""
    return load_stimulus_set(
        benchmark.path(csv),
        benchmark.path(zip_file),
        csv.identifier,
        cache_dir or DEFAULT_CACHE_DIR,
        csv_sha1=csv.sha1_prefix if verify else None,
        zip_sha1=zip_file.sha1_prefix if verify else None,
    )


def assembly(
    benchmark: Benchmark,
    nc: DataFile,
    stimuli: StimulusSet | None = None,
    verify: bool = True,
) -> xr.DataArray:
    """The assembly with the stimulus set's metadata merged into its presentations."""
    return load_assembly(benchmark.path(nc), stimuli, sha1=nc.sha1_prefix if verify else None)
