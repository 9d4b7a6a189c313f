"""ImageNet-top1 (spec §3.4): the model's own 1000-way head on the 50,000 ILSVRC-2012
validation images, which an administrator imports as a BrainIO stimulus set (``synset`` column).
Ceiling 1, no ceiling applied; error = bootstrap standard error over images."""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from scoring.benchmarks import data
from scoring.benchmarks.base import (
    Benchmark,
    BenchmarkInfo,
    BrainModel,
    DataDirs,
    Progress,
    stimulus_files,
)
from scoring.benchmarks.engineering import share_correct, start_own_head_task
from scoring.benchmarks.references import DENG2009
from scoring.benchmarks.registry import register_benchmark
from scoring.score import Score

VALIDATION = stimulus_files("fei-fei.Deng2009.val")
IMAGENET_HEAD = "a 1000-way ImageNet head"


def top1(predicted: xr.DataArray, ids: list[str], truth: list[str]) -> Score:
    """Share of ``ids`` whose predicted label equals ``truth``; error = bootstrap standard error."""
    by_id = dict(zip(map(str, predicted["stimulus_id"].values), predicted.values, strict=True))
    correct = np.array([str(by_id[sid]) == str(t) for sid, t in zip(ids, truth, strict=True)])
    return share_correct(correct)


class ImageNetTop1(Benchmark):
    """Top-1 of the 1000-way ImageNet head (argmax synset)."""

    def score(self, brain_model: BrainModel, progress: Progress) -> Score:
        images = data.stimulus_set(self, *VALIDATION)
        start_own_head_task(
            brain_model, "label", "imagenet", benchmark=self.identifier, needs=IMAGENET_HEAD
        )
        progress(0.05, f"{self.identifier}: labels for {len(images)} images")
        predicted = brain_model.look_at(images)
        return top1(predicted, images.stimulus_ids, list(images.metadata["synset"]))


INFO = BenchmarkInfo(
    identifier="ImageNet-top1",
    version=1,
    parent="engineering_vision",
    metric="top-1 accuracy",
    ceiling_convention="none",
    reference=DENG2009.url,
    bibtex=DENG2009.bibtex,
    description=(
        "Top-1 accuracy of the model's 1000-way head on the 50,000 ILSVRC-2012 validation "
        "images (square resize to the model's input, no centre crop)."
    ),
    data_files=VALIDATION,
    n_stimuli=50_000,
)


@register_benchmark("ImageNet-top1", info=INFO)
def imagenet_top1(
    info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
) -> ImageNetTop1:
    return ImageNetTop1(info, data_dir, **params)
