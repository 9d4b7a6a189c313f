"""ImageNet-sample-top1: the model's own 1000-way head on one natural image per ImageNet-1k class
(1,000 images, ``imagenet.sample1000``, built by the data step from the ``imagenet-sample-images``
source). A sample, not the ILSVRC-2012 validation set: trained networks score well above their
official top-1 on it; it compares networks and proves that weights are trained (a random network
gets about 0.1%). Ceiling 1, no ceiling applied; error = bootstrap standard error over images;
top-5 in the details."""

from __future__ import annotations

from typing import Any

import numpy as np

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
from scoring.benchmarks.imagenet import IMAGENET_HEAD
from scoring.benchmarks.references import DENG2009
from scoring.benchmarks.registry import register_benchmark
from scoring.score import Score, bootstrap_sem

IDENTIFIER = "ImageNet-sample-top1"
SAMPLE = stimulus_files("imagenet.sample1000")


def top_k_score(probabilities: np.ndarray, labels: np.ndarray) -> Score:
    """Top-1 (the score) and top-5 (details) of ``probabilities`` (images x 1000 classes)."""
    order = np.argsort(-probabilities, axis=1, kind="stable")
    top1 = order[:, 0] == labels
    top5 = (order[:, :5] == labels[:, None]).any(axis=1)
    return share_correct(
        top1,
        top5=float(top5.mean()),
        top5_error=bootstrap_sem(top5),
        sample="one image per ImageNet-1k class, not the validation set",
    )


class ImageNetSampleTop1(Benchmark):
    def score(self, brain_model: BrainModel, progress: Progress) -> Score:
        images = data.stimulus_set(self, *SAMPLE)
        start_own_head_task(
            brain_model, "probabilities", "imagenet", benchmark=self.identifier, needs=IMAGENET_HEAD
        )
        progress(0.05, f"{self.identifier}: {len(images)} images")
        probabilities = brain_model.look_at(images).transpose("presentation", "choice")
        label_of = dict(zip(images.stimulus_ids, images.metadata["label_index"], strict=True))
        labels = np.array([int(label_of[str(s)]) for s in probabilities["stimulus_id"].values])
        return top_k_score(np.asarray(probabilities.values, dtype=float), labels)


INFO = BenchmarkInfo(
    identifier=IDENTIFIER,
    version=1,
    parent="real_engineering",
    metric="top-1 accuracy on a 1,000-image ImageNet sample (1 per class; not the val set)",
    ceiling_convention="none",
    reference=DENG2009.url,
    bibtex=DENG2009.bibtex,
    description=(
        "Top-1 accuracy of the model's own 1000-way ImageNet head on a sample of 1,000 natural "
        "images, one per ImageNet-1k class (EliSchwartz/imagenet-sample-images; short side 256, "
        "square resize to the model's input). A sample, not the ILSVRC-2012 validation set: "
        "networks score above their official top-1 here. Error: bootstrap standard error over "
        "images; top-5 in the details."
    ),
    data_files=SAMPLE,
    n_stimuli=1000,
)


@register_benchmark(IDENTIFIER, info=INFO)
def imagenet_sample_top1(
    info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
) -> ImageNetSampleTop1:
    return ImageNetSampleTop1(info, data_dir, **params)
