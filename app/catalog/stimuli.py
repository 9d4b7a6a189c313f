"""Sample stimuli of a benchmark whose data are installed: a few images, read straight from the
BrainIO stimulus ZIP (only members its CSV lists; nothing is extracted to disk)."""

from __future__ import annotations

import csv
import functools
import mimetypes
import zipfile
from dataclasses import dataclass
from pathlib import Path

from scoring.benchmarks import benchmark_info
from scoring.benchmarks.base import REPO_DATA_DIR

SAMPLE_COUNT = 8


@dataclass(frozen=True)
class Stimulus:
    stimulus_id: str
    filename: str
    label: str


def sample_stimuli(identifier: str, count: int = SAMPLE_COUNT) -> list[Stimulus]:
    """``count`` stimuli spread evenly over the set (the same ones every time)."""
    found = _stimulus_files(identifier)
    if found is None:
        return []
    rows = _rows(found[0], found[0].stat().st_mtime_ns)
    step = max(1, len(rows) // count)
    return list(rows[::step][:count])


def stimulus_image(identifier: str, stimulus_id: str) -> tuple[bytes, str] | None:
    """The image bytes and media type of one listed stimulus, or None."""
    found = _stimulus_files(identifier)
    if found is None:
        return None
    csv_path, zip_path = found
    listed = {s.stimulus_id: s for s in _rows(csv_path, csv_path.stat().st_mtime_ns)}
    stimulus = listed.get(stimulus_id)
    if stimulus is None:
        return None
    with zipfile.ZipFile(zip_path) as archive:
        data = archive.read(stimulus.filename)
    media_type = mimetypes.guess_type(stimulus.filename)[0] or "application/octet-stream"
    return data, media_type


def _stimulus_files(identifier: str) -> tuple[Path, Path] | None:
    try:
        info = benchmark_info(identifier)
    except KeyError:
        return None
    files = {f.kind: f.locate(REPO_DATA_DIR) for f in info.data_files if f.kind != "assembly"}
    csv_path, zip_path = files.get("stimulus_csv"), files.get("stimulus_zip")
    return (csv_path, zip_path) if csv_path and zip_path else None


@functools.lru_cache(maxsize=8)
def _rows(csv_path: Path, _mtime: int) -> tuple[Stimulus, ...]:
    with csv_path.open(newline="") as stream:
        return tuple(
            Stimulus(row["stimulus_id"], row["filename"],
                     row.get("image_label") or row.get("label") or "")
            for row in csv.DictReader(stream)
        )  # fmt: skip
