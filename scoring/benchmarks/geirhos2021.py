"""Geirhos2021: shape bias, error consistency and accuracy on the 16-category ImageNet
experiments of Geirhos et al. (cue-conflict, edge, silhouette) against 10 people each.

The model answers with its own 1000-way ImageNet head: softmax probabilities pooled into the 16
categories by the mean over each category's ImageNet classes (model-vs-human's default
aggregation), decision = the most probable category. Images fill the model's input, as
model-vs-human shows them to models. [decision] Models without a 1000-way ImageNet head
(CIFAR-10 models included) are not applicable: restricting the choice to the 7 categories
CIFAR-10 shares with the 16 (airplane, car, bird, cat, dog, boat, truck) would change the task
the people did (16-way choice, chance 1/16) and leave only the images of those classes, so the
numbers would not be comparable with the humans' or with other models'.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import xarray as xr

from scoring.benchmarks import data
from scoring.benchmarks.base import (
    Benchmark,
    BenchmarkInfo,
    BrainModel,
    DataDirs,
    DataFile,
    NotApplicable,
    Progress,
    stimulus_files,
)
from scoring.benchmarks.references import GEIRHOS2019, GEIRHOS2020, GEIRHOS2021
from scoring.benchmarks.registry import register_benchmark
from scoring.data.stimuli import StimulusSet
from scoring.metrics.error_consistency import (
    error_consistency,
    human_error_consistency,
    pooled_decisions,
    shape_bias,
    shape_bias_ceiling,
    shape_bias_similarity,
    shape_texture_decisions,
)
from scoring.score import Score

Measure = Literal["shape-bias", "error-consistency", "accuracy"]
EXPERIMENTS = ("cue-conflict", "edge", "silhouette")
INDEX_MAP = DataFile("imagenet16_indices", "json")
IMAGENET_CLASSES = 1000
EXPERIMENT_TEXT = {
    "cue-conflict": "1,280 texture–shape cue-conflict images (style transfer: the shape of one "
    "category with the texture of another)",
    "edge": "160 edge-filtered images (black edges on white)",
    "silhouette": "160 filled silhouettes (black object on white)",
}


def _files(experiment: str) -> tuple[DataFile, DataFile, DataFile]:
    name = f"Geirhos2021.{experiment}"
    return (DataFile(name, "assembly"), *stimulus_files(name))


@dataclass(frozen=True)
class HumanTrials:
    """The people's choices as subjects × images (images in ``stimulus_ids`` order)."""

    stimulus_ids: list[str]
    subjects: list[str]
    choices: np.ndarray
    truth: np.ndarray

    @property
    def correct(self) -> np.ndarray:
        return self.choices == self.truth[None, :]


def _every_kth(
    stimuli: StimulusSet, humans: HumanTrials, max_images: int
) -> tuple[StimulusSet, HumanTrials]:
    step = math.ceil(len(humans.stimulus_ids) / max_images)
    keep = np.arange(0, len(humans.stimulus_ids), step)
    ids = [humans.stimulus_ids[i] for i in keep]
    subset = stimuli.subset(ids, identifier=f"{stimuli.identifier}.every{step}")
    trials = HumanTrials(ids, humans.subjects, humans.choices[:, keep], humans.truth[keep])
    return subset, trials


def human_trials(trials: xr.DataArray) -> HumanTrials:
    """One choice per subject and image (every subject saw every image once)."""
    ids = np.asarray(trials["stimulus_id"].values).astype(str)
    subjects = np.asarray(trials["subject"].values).astype(str)
    images, image_index = np.unique(ids, return_inverse=True)
    people, subject_index = np.unique(subjects, return_inverse=True)
    if len(ids) != len(images) * len(people):
        raise ValueError("expected exactly one trial per subject and image")
    choices = np.empty((len(people), len(images)), dtype=object)
    choices[subject_index, image_index] = np.asarray(trials.values).astype(str)
    truth = np.empty(len(images), dtype=object)
    truth[image_index] = np.asarray(trials["truth"].values).astype(str)
    return HumanTrials(list(images), list(people), choices, truth)


class Geirhos2021Benchmark(Benchmark):
    """One measure on one experiment; the model's 16-way decisions come from its own head."""

    def __init__(
        self,
        info: BenchmarkInfo,
        data_dir: DataDirs | None = None,
        *,
        experiment: str,
        measure: Measure,
        cache_dir: Path | None = None,
        max_images: int | None = None,
    ) -> None:
        super().__init__(info, data_dir)
        self.experiment, self.measure, self.cache_dir = experiment, measure, cache_dir
        if max_images is not None and max_images < 1:
            raise ValueError(f"max_images must be positive, got {max_images}")
        self.max_images = max_images
        self._loaded: tuple[StimulusSet, HumanTrials] | None = None

    def load(self) -> tuple[StimulusSet, HumanTrials]:
        """The images and the people's trials; with ``max_images``, an evenly spaced subset of
        the images (every k-th in stimulus-id order) and the trials on them (for quick tests;
        the registered benchmark uses every image)."""
        if self._loaded is None:
            nc, csv, zip_file = _files(self.experiment)
            stimuli = data.stimulus_set(self, csv, zip_file, self.cache_dir)
            humans = human_trials(data.assembly(self, nc))
            if self.max_images is not None and self.max_images < len(humans.stimulus_ids):
                stimuli, humans = _every_kth(stimuli, humans, self.max_images)
            self._loaded = (stimuli, humans)
        return self._loaded

    def category_indices(self) -> dict[str, list[int]]:
        indices = json.loads(self.path(INDEX_MAP).read_text())
        return {str(name): [int(i) for i in values] for name, values in indices.items()}

    def ceiling(self) -> Score:
        """The humans' own agreement (see ``human_ceiling``)."""
        self.require_data()
        stimuli, humans = self.load()
        return human_ceiling(self.measure, stimuli, humans)

    def score(self, brain_model: BrainModel, progress: Progress) -> Score:
        stimuli, humans = self.load()
        progress(0.05, f"{self.identifier}: 1000-way probabilities for {len(stimuli)} images")
        decisions = model_decisions(brain_model, stimuli, self.category_indices(), self.identifier)
        position = {sid: i for i, sid in enumerate(stimuli.stimulus_ids)}
        in_human_order = [position[sid] for sid in humans.stimulus_ids]
        progress(0.9, f"{self.identifier}: {self.measure}")
        return compare(self.measure, decisions[in_human_order], stimuli, humans)


def model_decisions(
    brain_model: BrainModel,
    stimuli: StimulusSet,
    category_indices: dict[str, list[int]],
    benchmark: str,
) -> np.ndarray:
    """The model's 16-way decision per image of ``stimuli`` (in its order)."""
    try:
        brain_model.start_task("probabilities", "imagenet")
    except (NotImplementedError, ValueError, TypeError) as refusal:
        raise NotApplicable(
            f"{benchmark} needs the model's own 1000-way ImageNet probabilities to pool into "
            f"the 16 categories ({refusal}); models with another head, such as CIFAR-10 "
            "models, are not scored on a subset of the categories"
        ) from None
    probabilities = brain_model.look_at(stimuli).transpose("presentation", "choice")
    if probabilities.sizes["choice"] != IMAGENET_CLASSES:
        raise NotApplicable(f"{benchmark} needs 1000-way ImageNet probabilities")
    row = {str(sid): i for i, sid in enumerate(probabilities["stimulus_id"].values)}
    values = np.asarray(probabilities.values)[[row[sid] for sid in stimuli.stimulus_ids]]
    return pooled_decisions(values, category_indices)


def compare(
    measure: Measure, decisions: np.ndarray, stimuli: StimulusSet, humans: HumanTrials
) -> Score:
    """The model's decisions against the people's, with the human ceiling applied."""
    model_correct = decisions == humans.truth
    details: dict[str, Any] = {
        "n_images": len(decisions),
        "model_accuracy": float(model_correct.mean()),
        "human_accuracy": float(humans.correct.mean()),
    }
    if measure == "accuracy":
        raw, error = float(model_correct.mean()), float(model_correct.std())
    elif measure == "error-consistency":
        consistency = error_consistency(model_correct, humans.correct)
        raw, error = consistency.raw, consistency.error
        details["subject_kappas"] = consistency.details["subject_kappas"]
    else:
        raw, error, bias_details = _shape_bias_comparison(decisions, stimuli, humans)
        details |= bias_details
    ceiling = human_ceiling(measure, stimuli, humans)
    return Score(
        raw=raw,
        error=error,
        ceiling=ceiling.raw,
        ceiling_error=ceiling.error,
        ceiled=raw / ceiling.raw,
        details=details,
    )


def _shape_bias_comparison(
    decisions: np.ndarray, stimuli: StimulusSet, humans: HumanTrials
) -> tuple[float, float, dict[str, Any]]:
    """1 − |model − mean human shape bias|, its error and the counts behind it."""
    shapes, textures = _cue_conflict_classes(stimuli, humans)
    shape_hits, texture_hits = shape_texture_decisions(decisions, shapes, textures)
    model_bias = shape_bias(decisions, shapes, textures)
    human_biases = human_shape_biases(stimuli, humans)
    decided = shape_hits + texture_hits
    # the binomial standard error of the model's shape bias carries over to 1 − |Δ|
    error = math.sqrt(model_bias * (1 - model_bias) / decided) if decided else math.nan
    details = {
        "model_shape_bias": model_bias,
        "model_shape_decisions": shape_hits,
        "model_texture_decisions": texture_hits,
        "human_shape_biases": human_biases,
        "human_shape_bias": float(np.mean(human_biases)),
    }
    return shape_bias_similarity(model_bias, human_biases), error, details


def human_ceiling(measure: Measure, stimuli: StimulusSet, humans: HumanTrials) -> Score:
    """Accuracy: 1. Error consistency: mean κ over pairs of people (Brain-Score's ceiling).
    Shape bias: mean over people of 1 − |bias − mean bias of the others|."""
    if measure == "accuracy":
        return Score(raw=1.0, error=0.0)
    if measure == "error-consistency":
        return human_error_consistency(humans.correct)
    return shape_bias_ceiling(human_shape_biases(stimuli, humans))


def _cue_conflict_classes(
    stimuli: StimulusSet, humans: HumanTrials
) -> tuple[np.ndarray, np.ndarray]:
    """Shape and texture category of each image, in the humans' image order."""
    metadata = stimuli.metadata.set_index("stimulus_id").loc[humans.stimulus_ids]
    return metadata["shape"].to_numpy(dtype=object), metadata["texture"].to_numpy(dtype=object)


def human_shape_biases(stimuli: StimulusSet, humans: HumanTrials) -> np.ndarray:
    """Each person's shape bias on the cue-conflict images."""
    shapes, textures = _cue_conflict_classes(stimuli, humans)
    return np.array([shape_bias(row, shapes, textures) for row in humans.choices])


# --- registration ----------------------------------------------------------------------------

MEASURE_TEXT = {
    "shape-bias": (
        "shape bias = shape decisions / (shape + texture decisions) on the cue-conflict images "
        "whose shape and texture categories differ (Geirhos et al. 2019); score = 1 − |model − "
        "mean human shape bias|; ceiling = mean over people of 1 − |person − mean of the others|"
    ),
    "error-consistency": (
        "error consistency (Geirhos et al. 2020): Cohen's κ = (c_obs − c_exp)/(1 − c_exp) of the "
        "model's correct/wrong pattern with each person's, averaged over the 10 people; "
        "ceiling = mean κ over the 45 pairs of people (Brain-Score's Geirhos2021 ceiling); "
        "ceiled = raw/ceiling, negative values kept (Brain-Score takes |mean|)"
    ),
    "accuracy": (
        "top-1 accuracy of the 16-way decisions (correct = the shape category); ceiling 1; "
        "the people's accuracy is in the details"
    ),
}
METRIC = {
    "shape-bias": "1 − |model − human shape bias|",
    "error-consistency": "error consistency (Cohen's κ, mean over people)",
    "accuracy": "16-way top-1 accuracy",
}
PARENT = {
    "shape-bias": "behavior_vision",
    "error-consistency": "behavior_vision",
    "accuracy": "engineering_vision",
}


def _info(experiment: str, measure: Measure) -> BenchmarkInfo:
    reference = GEIRHOS2019 if measure == "shape-bias" else GEIRHOS2021
    bibtex = [reference.bibtex] + ([GEIRHOS2020.bibtex] if measure == "error-consistency" else [])
    return BenchmarkInfo(
        identifier=f"Geirhos2021.{experiment}-{measure}",
        version=1,
        parent=PARENT[measure],
        metric=METRIC[measure],
        ceiling_convention="none" if measure == "accuracy" else "r/c",
        reference=reference.url,
        bibtex="\n\n".join(bibtex),
        description=(
            f"{EXPERIMENT_TEXT[experiment]} of 16 ImageNet categories, each seen once by each "
            "of 10 people who chose one of the 16 categories (Geirhos et al. 2019/2021; images "
            "CC BY 4.0, trials MIT, bethgelab/model-vs-human). The model's 1000-way ImageNet "
            "probabilities are averaged over each category's ImageNet classes (model-vs-human's "
            f"mapping); {MEASURE_TEXT[measure]}. Not applicable to models without a 1000-way "
            "ImageNet head (CIFAR-10 models are not scored on the 7 shared categories)."
        ),
        data_files=(*_files(experiment), INDEX_MAP),
        n_stimuli=1280 if experiment == "cue-conflict" else 160,
    )


def _register(experiment: str, measure: Measure) -> None:
    info = _info(experiment, measure)

    @register_benchmark(info.identifier, info=info)
    def factory(
        info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
    ) -> Geirhos2021Benchmark:
        return Geirhos2021Benchmark(
            info, data_dir, experiment=experiment, measure=measure, **params
        )


_register("cue-conflict", "shape-bias")
for _experiment in EXPERIMENTS:
    _register(_experiment, "error-consistency")
    _register(_experiment, "accuracy")
