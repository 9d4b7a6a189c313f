"""Rajalingham2018-i2n (spec §3.2): image-level behavioral consistency with human objectome
choices. The readout is fitted on the 2,160 public images; the model's probabilities for the
240 held-out images are compared with human trials by I2n with a split-half ceiling."""

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
    DataFile,
    Progress,
    stimulus_files,
)
from scoring.benchmarks.references import RAJALINGHAM2018
from scoring.benchmarks.registry import register_benchmark
from scoring.metrics.behavior import i2n
from scoring.score import Score

TRIALS = DataFile("dicarlo.Rajalingham2018.private", "assembly", "516f1379")
TEST_STIMULI = stimulus_files("objectome.private", "ac38e8f7", "ccd39f7f")
FITTING_STIMULI = stimulus_files("objectome.public", "47884e17", "064f2955")


class Rajalingham2018I2n(Benchmark):
    """I2n of the model's 24-way probabilities against the human trials."""

    def __init__(
        self, info: BenchmarkInfo, data_dir: DataDirs | None = None, *, verify_sha1: bool = True
    ) -> None:
        super().__init__(info, data_dir)
        self.verify_sha1 = verify_sha1

    def score(self, brain_model: BrainModel, progress: Progress) -> Score:
        fitting = data.stimulus_set(self, *FITTING_STIMULI, verify=self.verify_sha1)
        test = data.stimulus_set(self, *TEST_STIMULI, verify=self.verify_sha1)
        trials = human_trials(data.assembly(self, TRIALS, test, verify=self.verify_sha1))
        progress(0.1, f"{self.identifier}: fitting the readout on {len(fitting)} images")
        brain_model.start_task("probabilities", fitting)
        progress(0.5, f"{self.identifier}: probabilities for {len(test)} images")
        probabilities = brain_model.look_at(test)
        progress(0.9, f"{self.identifier}: I2n")
        return i2n(probabilities, trials)


def human_trials(assembly: xr.DataArray) -> xr.DataArray:
    """One presentation per trial, the chosen object as value (a size-1 choice dim squeezed)."""
    extra = [dim for dim in assembly.dims if dim != "presentation"]
    if any(assembly.sizes[dim] != 1 for dim in extra):
        raise ValueError(f"expected one choice per trial, got dims {assembly.dims}")
    trials = assembly.squeeze(extra, drop=True) if extra else assembly
    return trials.assign_coords(
        correct=("presentation", np.asarray(trials.values) == np.asarray(trials["sample_obj"]))
    )


INFO = BenchmarkInfo(
    identifier="Rajalingham2018-i2n",
    version=2,
    parent="behavior_vision",
    metric="I2n behavioral consistency (Pearson r with human half 0, ceiled by √split-half r)",
    ceiling_convention="r/sqrt(c)",
    reference=RAJALINGHAM2018.url,
    bibtex=RAJALINGHAM2018.bibtex,
    description=(
        "Image-by-distractor d′ consistency (I2n) with 341,785 human trials on 240 held-out "
        "objectome images (24 objects); logistic readout (C=1e-3) fitted on 2,160 public images."
    ),
    data_files=(TRIALS, *TEST_STIMULI, *FITTING_STIMULI),
    n_stimuli=240,
    published_ceiling=0.479,
)


@register_benchmark("Rajalingham2018-i2n", info=INFO)
def rajalingham2018_i2n(
    info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
) -> Rajalingham2018I2n:
    return Rajalingham2018I2n(info, data_dir, **params)
