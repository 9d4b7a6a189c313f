"""What every benchmark is: its metadata (`BenchmarkInfo`), its data files, its call contract."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, TypeAlias

import numpy as np

from scoring.score import Score

CeilingConvention = Literal["none", "r/c", "(r/c)^2", "r^2/c", "r/sqrt(c)", "fixed r/c"]
Progress = Callable[[float, str], None]
REPO_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
# One data folder, or several searched in order (the repository's, then imported files).
DataDirs: TypeAlias = Path | Sequence[Path]


def data_folders(data_dir: DataDirs | None) -> tuple[Path, ...]:
    """The folders to search, in order; ``None`` means the repository's data folder."""
    if data_dir is None:
        return (REPO_DATA_DIR,)
    if isinstance(data_dir, str | Path):
        return (Path(data_dir),)
    return tuple(Path(folder) for folder in data_dir)


class DataNotInstalled(RuntimeError):
    """A benchmark's data files are in none of its data folders; it is never scored on anything
    else."""

    def __init__(self, benchmark: str, missing: list[str], data_dir: DataDirs) -> None:
        self.benchmark = benchmark
        self.missing = missing
        self.data_dirs = data_folders(data_dir)
        folders = " or ".join(str(folder) for folder in self.data_dirs)
        super().__init__(
            f"data not installed for benchmark {benchmark!r}: missing {', '.join(missing)} "
            f"in {folders} (import the BrainIO files with `ventral data import`)"
        )


class NotApplicable(RuntimeError):
    """The model cannot take this benchmark (e.g. no 10-way CIFAR head); the message says why."""


CONSTANT_FEATURES = "the model's features are constant on these images"


def require_varying_features(features: Any, where: str) -> None:
    """``NotApplicable`` when every image (rows of ``features``) gets the same features (an
    area the signal has not reached yet): no metric can relate them to the data, and
    correlations with a constant are NaN. ``where`` names the layer and time."""
    rows = np.asarray(features).reshape(len(features), -1)
    if len(rows) > 1 and bool((rows == rows[0]).all()):
        raise NotApplicable(f"{CONSTANT_FEATURES} ({where})")


@dataclass(frozen=True)
class DataFile:
    """One file a benchmark needs (BrainIO, or a JSON table built beside them): ``kind`` and
    ``identifier`` give its file name."""

    identifier: str
    kind: Literal["assembly", "stimulus_csv", "stimulus_zip", "json"]
    sha1_prefix: str | None = None

    @property
    def filename(self) -> str:
        stem = self.identifier.replace(".", "_")
        if self.kind == "json":
            return f"{stem}.json"
        if self.kind == "assembly":
            return f"assy_{stem}.nc"
        suffix = "csv" if self.kind == "stimulus_csv" else "zip"
        return f"stimulus_{stem}.{suffix}"

    def locate(self, data_dir: DataDirs) -> Path | None:
        """The file in the first data folder holding it, directly or one folder below."""
        for folder in data_folders(data_dir):
            direct = folder / self.filename
            if direct.is_file():
                return direct
            below = next(iter(sorted(folder.glob(f"*/{self.filename}"))), None)
            if below is not None:
                return below
        return None

    def sha1_matches(self, path: Path) -> bool:
        return self.sha1_prefix is None or file_sha1(path).startswith(self.sha1_prefix)


def stimulus_files(
    identifier: str, csv_sha1: str | None = None, zip_sha1: str | None = None
) -> tuple[DataFile, DataFile]:
    """The CSV + ZIP pair of a BrainIO stimulus set."""
    return (
        DataFile(identifier, "stimulus_csv", csv_sha1),
        DataFile(identifier, "stimulus_zip", zip_sha1),
    )


def file_sha1(path: Path) -> str:
    digest = hashlib.sha1()  # noqa: S324 - BrainIO identifies files by SHA1
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class BenchmarkInfo:
    """Metadata of a registered benchmark (what the service lists and stores)."""

    identifier: str
    version: int
    parent: str
    metric: str
    ceiling_convention: CeilingConvention
    reference: str
    bibtex: str
    description: str
    data_files: tuple[DataFile, ...] = ()
    synthetic: bool = False
    n_stimuli: int | None = None
    n_sites: int | None = None
    published_ceiling: float | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


class BrainModel(Protocol):
    """The part of the BrainModel interface (spec §2.1) benchmarks call."""

    @property
    def identifier(self) -> str: ...

    def visual_degrees(self) -> float: ...

    def start_task(self, task: str, fitting_stimuli: Any = None) -> None: ...

    def start_recording(
        self, region: str, time_bins: list[tuple[int, int]] | None = None
    ) -> None: ...

    def look_at(self, stimuli: Any, number_of_trials: int = 1) -> Any: ...


class Benchmark(ABC):
    """Base of every benchmark: checks its data and calls ``score`` on a model."""

    info: BenchmarkInfo

    def __init__(self, info: BenchmarkInfo, data_dir: DataDirs | None = None) -> None:
        self.info = info
        self.data_dirs = data_folders(data_dir)

    @property
    def identifier(self) -> str:
        return self.info.identifier

    def missing_files(self, data_dir: DataDirs | None = None) -> list[str]:
        folders = data_folders(data_dir) if data_dir is not None else self.data_dirs
        return [f.filename for f in self.info.data_files if f.locate(folders) is None]

    def data_installed(self, data_dir: DataDirs | None = None) -> bool:
        return not self.missing_files(data_dir)

    def require_data(self) -> None:
        missing = self.missing_files()
        if missing:
            raise DataNotInstalled(self.identifier, missing, self.data_dirs)

    def path(self, data_file: DataFile) -> Path:
        located = data_file.locate(self.data_dirs)
        if located is None:
            raise DataNotInstalled(self.identifier, [data_file.filename], self.data_dirs)
        return located

    def __call__(self, brain_model: BrainModel, progress: Progress | None = None) -> Score:
        self.require_data()
        report = progress or _silent
        report(0.0, f"{self.identifier}: start")
        score = self.score(brain_model, report)
        report(1.0, f"{self.identifier}: done")
        return score

    @abstractmethod
    def score(self, brain_model: BrainModel, progress: Progress) -> Score:
        """The benchmark's own scoring, once its data are known to be installed."""


def _silent(fraction: float, message: str) -> None:
    """A progress callback that reports nothing."""
