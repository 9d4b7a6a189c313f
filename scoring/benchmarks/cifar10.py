"""The offline behavioral suite on real CIFAR-10 data (spec §8.1, §8.2).

`CIFAR10H-i2n`: the model's 10-way probabilities (a logistic readout fitted on the shipped
CIFAR-10 train subset, §2.6) against ~50 people's choices per test image (CIFAR-10H), I2n with
a split-half-of-people ceiling; I1n and the cross-entropy to the human choice distributions are
reported beside it. `CIFAR10-top1`: accuracy of a model's own 10-way CIFAR-10 head.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from scoring.benchmarks import data
from scoring.benchmarks.base import (
    Benchmark,
    BenchmarkInfo,
    BrainModel,
    DataDirs,
    DataFile,
    Progress,
    stimulus_files,
)
from scoring.benchmarks.engineering import start_own_head_task
from scoring.benchmarks.imagenet import top1
from scoring.benchmarks.references import KRIZHEVSKY2009, PETERSON2019
from scoring.benchmarks.registry import register_benchmark
from scoring.data.stimuli import StimulusSet
from scoring.metrics.behavior import cifar10h_i1n, cifar10h_i2n, cross_entropy
from scoring.offline_data import CIFAR10_CLASSES
from scoring.score import Score

TEST_FILES = stimulus_files("cifar10-test")
TRAIN_FIT_FILES = stimulus_files("cifar10-train-fit")
COUNTS_FILE = DataFile("cifar10h-counts", "assembly")


class CifarBenchmark(Benchmark):
    """Shared loading of the shipped CIFAR-10 test set, optionally a stratified subset."""

    def __init__(
        self,
        info: BenchmarkInfo,
        data_dir: DataDirs | None = None,
        *,
        n_per_class: int | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        super().__init__(info, data_dir)
        self.n_per_class = n_per_class
        self.cache_dir = cache_dir

    def test_stimuli(self) -> StimulusSet:
        """The test images (a subset of ``n_per_class`` per class, seed 0, if asked for)."""
        full = data.stimulus_set(self, *TEST_FILES, cache_dir=self.cache_dir)
        if self.n_per_class is None:
            return full
        ids = stratified_subset(full, self.n_per_class)
        return full.subset(ids, identifier=f"{full.identifier}.{self.n_per_class}perclass")


def stratified_subset(stimuli: StimulusSet, n_per_class: int, seed: int = 0) -> list[str]:
    """``n_per_class`` ids of every ``image_label`` drawn with RandomState(seed), in test order."""
    meta = stimuli.metadata.sort_values("test_index")
    rng = np.random.RandomState(seed)
    chosen = [
        rng.choice(group.index.to_numpy(), size=n_per_class, replace=False)
        for _, group in meta.groupby("image_label", sort=True)
    ]
    rows = meta.loc[np.sort(np.concatenate(chosen))]
    return [str(sid) for sid in rows["stimulus_id"]]


def probabilities_in_class_order(probabilities: xr.DataArray, ids: list[str]) -> np.ndarray:
    """The model's probabilities as images (``ids`` order) × the 10 classes in CIFAR order."""
    frame = probabilities.transpose("presentation", "choice")
    by_id = {str(sid): row for row, sid in enumerate(frame["stimulus_id"].values)}
    columns = [list(map(str, frame["choice"].values)).index(name) for name in CIFAR10_CLASSES]
    return np.asarray(frame.values)[[by_id[sid] for sid in ids]][:, columns]


class Cifar10hI2n(CifarBenchmark):
    """Behavioral consistency with CIFAR-10H (I2n), plus I1n and cross-entropy in details."""

    def score(self, brain_model: BrainModel, progress: Progress) -> Score:
        test = self.test_stimuli()
        fitting = data.stimulus_set(self, *TRAIN_FIT_FILES, cache_dir=self.cache_dir)
        counts = data.assembly(self, COUNTS_FILE)
        progress(0.1, f"{self.identifier}: fitting the readout on {len(fitting)} images")
        brain_model.start_task("probabilities", fitting)
        progress(0.4, f"{self.identifier}: probabilities for {len(test)} images")
        probabilities = probabilities_in_class_order(brain_model.look_at(test), test.stimulus_ids)
        human = human_counts(counts, test.stimulus_ids)
        labels = test.metadata["label"].to_numpy()
        progress(0.9, f"{self.identifier}: I2n")
        result = cifar10h_i2n(probabilities, human, labels)
        companions = {
            "i1n": cifar10h_i1n(probabilities, human, labels).to_json(),
            "cross_entropy": cross_entropy(probabilities, human).to_json(),
            "n_images": len(test),
        }
        return _with_details(result, companions)


def human_counts(counts: xr.DataArray, ids: list[str]) -> np.ndarray:
    """Human vote counts for ``ids`` in that order, columns in CIFAR class order."""
    choice = [str(c) for c in counts["choice"].values]
    if tuple(choice) != CIFAR10_CLASSES:
        raise ValueError(f"unexpected CIFAR-10H choice order {choice}")
    by_id = {str(sid): row for row, sid in enumerate(counts["stimulus_id"].values)}
    return np.asarray(counts.values)[[by_id[sid] for sid in ids]]


class Cifar10Top1(CifarBenchmark):
    """Top-1 accuracy of a model's own CIFAR-10 head; not applicable to other models."""

    def score(self, brain_model: BrainModel, progress: Progress) -> Score:
        test = self.test_stimuli()
        start_own_head_task(
            brain_model,
            "label",
            list(CIFAR10_CLASSES),
            benchmark=self.identifier,
            needs="a 10-way CIFAR-10 head",
        )
        progress(0.2, f"{self.identifier}: labels for {len(test)} images")
        predicted = brain_model.look_at(test)
        return top1(predicted, test.stimulus_ids, list(test.metadata["image_label"]))


def _with_details(score: Score, extra: dict[str, Any]) -> Score:
    return Score(
        raw=score.raw,
        error=score.error,
        ceiling=score.ceiling,
        ceiling_error=score.ceiling_error,
        ceiled=score.ceiled,
        details={**score.details, **extra},
    )


CIFAR10H_INFO = BenchmarkInfo(
    identifier="CIFAR10H-i2n",
    version=1,
    parent="offline_vision",
    metric="I2n behavioral consistency (Pearson r with human half 0, ceiled by √split-half r)",
    ceiling_convention="r/sqrt(c)",
    reference=PETERSON2019.url,
    bibtex=PETERSON2019.bibtex,
    description=(
        "Image-by-distractor consistency (I2n, 10-way analog of Rajalingham2018) of the model's "
        "readout probabilities with the choices of ~50 people per CIFAR-10 test image "
        "(CIFAR-10H, real human data). Readout: logistic regression (C=1e-3) on 500 train "
        "images per class. Parameter n_per_class for a stratified subset; the full 10,000 "
        "images are the leaderboard version."
    ),
    data_files=(*TEST_FILES, *TRAIN_FIT_FILES, COUNTS_FILE),
    n_stimuli=10_000,
)

CIFAR10_TOP1_INFO = BenchmarkInfo(
    identifier="CIFAR10-top1",
    version=1,
    parent="offline_engineering",
    metric="top-1 accuracy",
    ceiling_convention="none",
    reference=KRIZHEVSKY2009.url,
    bibtex=KRIZHEVSKY2009.bibtex,
    description=(
        "Top-1 accuracy of the model's own 10-way CIFAR-10 head on the 10,000 test images "
        "(JPEG re-encodings); not applicable to models without such a head."
    ),
    data_files=TEST_FILES,
    n_stimuli=10_000,
)


@register_benchmark("CIFAR10H-i2n", info=CIFAR10H_INFO)
def cifar10h_i2n_benchmark(
    info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
) -> Cifar10hI2n:
    return Cifar10hI2n(info, data_dir, **params)


@register_benchmark("CIFAR10-top1", info=CIFAR10_TOP1_INFO)
def cifar10_top1_benchmark(
    info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
) -> Cifar10Top1:
    return Cifar10Top1(info, data_dir, **params)
