"""RSA benchmarks: a model's representational geometry against subjects' RDMs (or RSMs).

The model's matrix comes from the layer it commits to the region (neural benchmarks) or from
its behavioural readout layer (similarity judgements: a behaviour, so the features the model's
decisions are read from). Images go through the model's own preprocessing (resized to its input
size). Models that commit no layer to the region are not applicable: these benchmarks do no
layer selection on their own images.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast, runtime_checkable

import numpy as np
import xarray as xr

from scoring.activations.preprocess import place_on_screen
from scoring.benchmarks import data
from scoring.benchmarks.base import (
    Benchmark,
    BenchmarkInfo,
    BrainModel,
    DataDirs,
    DataFile,
    NotApplicable,
    Progress,
    require_varying_features,
)
from scoring.data.stimuli import StimulusSet
from scoring.metrics.rsa import Cells, Comparison, rdm, rsa_score
from scoring.score import Score

ModelMatrix = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class RSASpec:
    """What one RSA benchmark compares, and how.

    ``select`` picks the assembly's RDMs by coordinate value; ``average_over`` averages RDMs that
    share that coordinate (a subject's sessions). ``region`` is None for a behavioural
    benchmark. ``stimulus_degrees`` None means the images fill the model's field of view.
    """

    assembly: DataFile
    stimulus_csv: DataFile
    stimulus_zip: DataFile
    region: str | None
    select: tuple[tuple[str, str], ...] = ()
    average_over: str | None = None
    comparison: Comparison = "spearman"
    cells: Cells = "upper"
    time_bin: tuple[int, int] = (70, 170)
    stimulus_degrees: float | None = None
    model_matrix: ModelMatrix = rdm
    squared_ceiling: bool = True


class _LooksAtDegrees(Protocol):
    def look_at(
        self, stimuli: StimulusSet, number_of_trials: int = 1, stimulus_degrees: float = 8.0
    ) -> xr.DataArray: ...


@runtime_checkable
class ReadoutModel(Protocol):
    """A model whose behavioural readout layer can be read (``scoring.brain_model``)."""

    def visual_degrees(self) -> float: ...

    def readout_features(self, stimuli: StimulusSet) -> np.ndarray: ...


class RSABenchmark(Benchmark):
    """Mean correlation of the model's matrix with each subject's; ceiling after Nili et al."""

    def __init__(
        self,
        info: BenchmarkInfo,
        data_dir: DataDirs | None = None,
        *,
        spec: RSASpec,
        n_bootstraps: int = 200,
        seed: int = 0,
        cache_dir: Path | None = None,
        verify_sha1: bool = True,
    ) -> None:
        super().__init__(info, data_dir)
        self.spec = spec
        self.n_bootstraps = n_bootstraps
        self.seed = seed
        self.cache_dir = cache_dir
        self.verify_sha1 = verify_sha1
        self._loaded: tuple[StimulusSet, np.ndarray] | None = None

    def subject_matrices(self) -> tuple[StimulusSet, np.ndarray]:
        """The stimulus set and the subjects' matrices (subjects × images × images), rows and
        columns in the stimulus set's order."""
        if self._loaded is None:
            spec = self.spec
            stimuli = data.stimulus_set(
                self, spec.stimulus_csv, spec.stimulus_zip, self.cache_dir, self.verify_sha1
            )
            assembly = data.assembly(self, spec.assembly, None, self.verify_sha1)
            self._loaded = (stimuli, _select(assembly, spec, stimuli.stimulus_ids))
        return self._loaded

    def score(self, brain_model: BrainModel, progress: Progress) -> Score:
        stimuli, subjects = self.subject_matrices()
        progress(0.1, f"{self.identifier}: model features for {len(stimuli)} images")
        features, layer = self.model_features(brain_model, stimuli)
        progress(0.8, f"{self.identifier}: RSA against {len(subjects)} subjects")
        spec = self.spec
        result = rsa_score(
            spec.model_matrix(features),
            subjects,
            spec.comparison,
            spec.cells,
            self.n_bootstraps,
            self.seed,
        )
        ceiling = result.ceiling.lower if result.ceiling is not None else None
        details: dict[str, Any] = {
            **result.details(),
            "comparison": spec.comparison,
            "cells": spec.cells,
            "layer": layer,
            "n_features": int(features.shape[1]),
            "n_images": len(stimuli),
        }
        if spec.region is not None:
            details["region"] = spec.region
        return Score(
            raw=result.raw,
            error=result.error,
            ceiling=ceiling,
            ceiling_error=None,
            ceiled=_ceiled(result.raw, ceiling, spec.squared_ceiling),
            details=details,
        )

    def model_features(
        self, brain_model: BrainModel, stimuli: StimulusSet
    ) -> tuple[np.ndarray, str]:
        """images × features in the stimulus set's order, and the layer they came from."""
        if self.spec.region is None:
            return _readout_features(brain_model, stimuli, self.spec.stimulus_degrees)
        return _region_features(brain_model, stimuli, self.spec)


def _ceiled(raw: float, ceiling: float | None, squared: bool) -> float:
    """(r / c)² (or r / c) with c the lower bound; without a ceiling the raw value. A negative
    correlation scores 0: squaring would turn an inverted geometry into a positive score."""
    if ceiling is None:
        return raw
    ratio = max(raw, 0.0) / ceiling
    return ratio**2 if squared else ratio


def _select(assembly: xr.DataArray, spec: RSASpec, ids: list[str]) -> np.ndarray:
    keep = np.ones(assembly.sizes["rdm"], dtype=bool)
    for coord, value in spec.select:
        keep &= np.asarray(assembly[coord].values).astype(str) == value
    chosen = assembly.isel(rdm=np.flatnonzero(keep))
    rows = _positions(chosen["stimulus_id"].values, ids)
    cols = _positions(chosen["column_stimulus_id"].values, ids)
    matrices = np.asarray(chosen.values, dtype=np.float64)[:, rows][:, :, cols]
    if spec.average_over is None:
        return matrices
    groups = np.asarray(chosen[spec.average_over].values).astype(str)
    order = list(dict.fromkeys(groups))
    return np.stack([matrices[groups == group].mean(axis=0) for group in order])


def _positions(stored: np.ndarray, wanted: list[str]) -> np.ndarray:
    index = {str(sid): position for position, sid in enumerate(stored)}
    return np.array([index[sid] for sid in wanted])


def _region_features(
    brain_model: BrainModel, stimuli: StimulusSet, spec: RSASpec
) -> tuple[np.ndarray, str]:
    region = str(spec.region)
    committed = getattr(brain_model, "region_layers", None)
    if committed is not None and region not in committed:
        raise NotApplicable(
            f"{brain_model.identifier} commits no layer to {region}; RSA benchmarks use the "
            "model's region commitments and do no layer selection of their own"
        )
    brain_model.start_recording(region, [spec.time_bin])
    degrees = spec.stimulus_degrees or brain_model.visual_degrees()
    recording = cast(_LooksAtDegrees, brain_model).look_at(stimuli, stimulus_degrees=degrees)
    if "time_bin" in recording.dims:
        recording = recording.isel(time_bin=0)
    order = _positions(recording["stimulus_id"].values, stimuli.stimulus_ids)
    values = np.asarray(recording.transpose("presentation", ...).values)[order]
    layer = committed.get(region, region) if committed is not None else region
    start, end = spec.time_bin
    require_varying_features(values, f"{layer}, {start}–{end} ms")
    return values.reshape(len(order), -1), str(layer)


def _readout_features(
    brain_model: BrainModel, stimuli: StimulusSet, stimulus_degrees: float | None
) -> tuple[np.ndarray, str]:
    if not isinstance(brain_model, ReadoutModel):
        raise NotApplicable(f"{brain_model.identifier} exposes no behavioural readout layer")
    degrees = brain_model.visual_degrees()
    placed = place_on_screen(stimuli, degrees, stimulus_degrees or degrees)
    features = np.asarray(brain_model.readout_features(placed), dtype=np.float64)
    info = getattr(brain_model, "info", None)
    layer = str(getattr(info, "behavioral_readout", "behavioral readout"))
    require_varying_features(features, layer)
    return features.reshape(len(stimuli), -1), layer


def coggan_rsm(features: np.ndarray) -> np.ndarray:
    """Coggan & Tong's model similarity matrix: drop units without variance, keep units whose
    |mean over images| exceeds 3.1 × the standard deviation of the units' means, z-score each
    unit over images, then Pearson r between images."""
    patterns = np.asarray(features, dtype=np.float64)
    patterns = patterns[:, patterns.std(axis=0) != 0]
    means = patterns.mean(axis=0)
    selected = np.abs(means) > 3.1 * means.std()
    if not selected.any():
        raise NotApplicable("no model unit passes the published unit selection (|mean| > 3.1 SD)")
    chosen = patterns[:, selected]
    z_scored = (chosen - chosen.mean(axis=0)) / chosen.std(axis=0)
    return 1.0 - rdm(z_scored)
