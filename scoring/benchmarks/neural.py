"""PLS neural predictivity benchmarks (spec §3.1): MajajHong2015 V4/IT, private and public.

Target: the region's sites averaged over repetitions; source: the model's committed layer for
the region at 70–170 ms; 10 stratified 90/10 splits, PLS-25, median Pearson r over sites.
The ceiling is the split-half internal consistency over repetitions (Spearman–Brown), computed
once per benchmark object; the ceiled score follows the chosen convention (default (b)).
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
    require_varying_features,
)
from scoring.data.stimuli import StimulusSet
from scoring.metrics.neural import (
    Convention,
    average_repetitions,
    ceil_score,
    internal_consistency_ceiling,
    neural_predictivity,
)
from scoring.score import Score

TIME_BIN = (70, 170)


class NeuralPredictivityBenchmark(Benchmark):
    """One region of a recording assembly with repetitions, scored by PLS predictivity."""

    # False: a model committing no layer to the region is not applicable (no selection set)
    selects_layers = True

    def __init__(
        self,
        info: BenchmarkInfo,
        data_dir: DataDirs | None = None,
        *,
        region: str,
        assembly_file: DataFile,
        stimulus_csv: DataFile,
        stimulus_zip: DataFile,
        stratify_coord: str = "object_name",
        convention: Convention = "b",
        n_splits: int = 10,
        verify_sha1: bool = True,
        cache_dir: Path | None = None,
        n_jobs: int | None = None,
    ) -> None:
        super().__init__(info, data_dir)
        self.region = region
        self.files = (assembly_file, stimulus_csv, stimulus_zip)
        self.stratify_coord = stratify_coord
        self.convention = convention
        self.n_splits = n_splits
        self.verify_sha1 = verify_sha1
        self.cache_dir = cache_dir
        self.n_jobs = n_jobs
        self._loaded: tuple[StimulusSet, xr.DataArray] | None = None
        self._ceiling: Score | None = None

    def trials(self) -> tuple[StimulusSet, xr.DataArray]:
        """The stimulus set and the region's trial-level responses (loaded once)."""
        if self._loaded is None:
            nc, csv, zip_file = self.files
            stimuli = data.stimulus_set(self, csv, zip_file, self.cache_dir, self.verify_sha1)
            recording = data.assembly(self, nc, stimuli, self.verify_sha1)
            in_region = np.asarray(recording["region"].values) == self.region
            self._loaded = (stimuli, recording.isel(neuroid=np.flatnonzero(in_region)))
        return self._loaded

    def ceiling(self) -> Score:
        if self._ceiling is None:
            self.require_data()
            self._ceiling = internal_consistency_ceiling(self.trials()[1], n_splits=self.n_splits)
        return self._ceiling

    def score(self, brain_model: BrainModel, progress: Progress) -> Score:
        stimuli, trials = self.trials()
        progress(0.05, f"{self.identifier}: ceiling")
        ceiling = self.ceiling()
        progress(0.1, f"{self.identifier}: recording {self.region} on {len(stimuli)} images")
        brain_model.start_recording(self.region, [TIME_BIN])
        source = brain_model.look_at(stimuli)
        require_varying_features(source.transpose("presentation", ...).values, self._where(source))
        progress(0.7, f"{self.identifier}: predictivity")
        raw = self.predictivity(source, average_repetitions(trials))
        ceiled = ceil_score(raw, ceiling.raw, ceiling.error, self.convention)
        details = {**ceiled.details, **_source_details(source), "region": self.region}
        return Score(
            raw=ceiled.raw,
            error=ceiled.error,
            ceiling=ceiled.ceiling,
            ceiling_error=ceiled.ceiling_error,
            ceiled=ceiled.ceiled,
            details=details,
        )

    def _where(self, source: xr.DataArray) -> str:
        layer = _source_details(source).get("layer", self.region)
        return f"{layer}, {TIME_BIN[0]}–{TIME_BIN[1]} ms"

    def predictivity(self, source: xr.DataArray, target: xr.DataArray) -> Score:
        """Cross-validated PLS predictivity of the repetition-averaged ``target``."""
        return neural_predictivity(
            source,
            target,
            stratify_coord=self.stratify_coord,
            n_splits=self.n_splits,
            n_jobs=self.n_jobs,
        )


def _source_details(source: Any) -> dict[str, Any]:
    """Which layer(s) and how many features the model's responses came from."""
    details: dict[str, Any] = {"n_features": int(source.sizes.get("neuroid", 0))}
    if "layer" in source.coords:
        details["layer"] = ",".join(sorted({str(v) for v in np.asarray(source["layer"].values)}))
    return details
