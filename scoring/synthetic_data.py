"""The SYNTHETIC neural suite (spec §8.4): recordings with a planted ground truth.

Generated deterministically: a fixed stratified subset of the CIFAR-10 test images (100 per
class, RandomState(SEED)); for each region, the activations of a named layer of a registered
generator model → its top ``PLANTED_COMPONENTS`` (20) principal components, whitened → a fixed
random linear map to N sites (so the map from the layer has rank ≤ 20, which PLS-25 can
recover) → softplus (positive rates) → R repetitions with Gaussian trial noise whose per-site
variance plants a reliability of the R-trial mean of exactly ``PLANTED_RELIABILITY`` (0.8).
The split-half ceiling of §3.1 estimates that reliability, so it must recover it. Stored as
BrainIO files, flagged synthetic everywhere.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from scoring.data.brainio import load_stimulus_set, write_assembly
from scoring.data.stimuli import StimulusSet
from scoring.offline_data import CIFAR10_TEST, write_set

GENERATOR = "resnet20_cifar10"
GENERATOR_LAYERS = {"V4": "layer2", "IT": "layer3"}
N_SITES = {"V4": 40, "IT": 60}
REPETITIONS = 10
PLANTED_RELIABILITY = 0.8
PLANTED_COMPONENTS = 20
IMAGES_PER_CLASS = 100
SEED = 2019
STIMULUS_SET = "synthetic-cifar10-1000"
ASSEMBLY = "synthetic.ventral"
TIME_BIN = (70, 170)


@dataclass(frozen=True)
class PlantedRegion:
    """One region's noiseless rates (images × sites) and per-site trial noise SD."""

    region: str
    signal: np.ndarray
    noise_sd: np.ndarray


def synthetic_stimuli(test_set: StimulusSet) -> StimulusSet:
    """``IMAGES_PER_CLASS`` test images of every class, drawn with RandomState(SEED)."""
    meta = test_set.metadata.sort_values("test_index")
    rng = np.random.RandomState(SEED)
    rows = np.sort(
        np.concatenate(
            [
                rng.choice(group.index.to_numpy(), IMAGES_PER_CLASS, replace=False)
                for _, group in meta.groupby("image_label", sort=True)
            ]
        )
    )
    return test_set.subset(meta.loc[rows, "stimulus_id"].astype(str), identifier=STIMULUS_SET)


def principal_scores(features: np.ndarray, n_components: int) -> np.ndarray:
    """Whitened scores (unit variance) of the top principal components of ``features``; signs
    fixed (largest-magnitude score positive) so the result does not depend on the LAPACK build."""
    centred = (features - features.mean(axis=0)).astype(np.float64)
    u, _, _ = np.linalg.svd(centred, full_matrices=False)
    scores = u[:, : min(n_components, np.linalg.matrix_rank(centred))]
    signs = np.sign(scores[np.abs(scores).argmax(axis=0), np.arange(scores.shape[1])])
    return scores * signs * np.sqrt(len(features))


def planted_drive(features: np.ndarray, n_sites: int, seed: int) -> np.ndarray:
    """Rank-≤``PLANTED_COMPONENTS`` drive: a fixed Gaussian map of the whitened top principal
    components, standardised per site. Low rank so that PLS-25 can recover it from the layer."""
    scores = principal_scores(features, PLANTED_COMPONENTS)
    drive = scores @ np.random.RandomState(seed).randn(scores.shape[1], n_sites)
    return (drive - drive.mean(axis=0)) / drive.std(axis=0)


def plant_region(region: str, features: np.ndarray, n_sites: int, seed: int) -> PlantedRegion:
    """Softplus of the planted drive (positive rates); noise SD that makes the R-trial mean's
    reliability var_s / (var_s + σ²/R) equal the planted value."""
    signal = np.logaddexp(0.0, planted_drive(features, n_sites, seed))
    noise_var = signal.var(axis=0) * REPETITIONS * (1 / PLANTED_RELIABILITY - 1)
    return PlantedRegion(region, signal, np.sqrt(noise_var))


def trials_assembly(stimuli: StimulusSet, regions: list[PlantedRegion], seed: int) -> xr.DataArray:
    """presentation (image × repetition) × neuroid × time_bin, MajajHong2015-shaped."""
    rng = np.random.RandomState(seed)
    signal = np.concatenate([r.signal for r in regions], axis=1)
    noise_sd = np.concatenate([r.noise_sd for r in regions])
    trials = np.concatenate(
        [signal + noise_sd * rng.randn(*signal.shape) for _ in range(REPETITIONS)]
    )
    n_images = len(stimuli)
    meta = stimuli.metadata
    site_regions = [r.region for r in regions for _ in range(r.signal.shape[1])]
    coords = {
        "stimulus_id": ("presentation", np.tile(meta["stimulus_id"].astype(str), REPETITIONS)),
        "repetition": ("presentation", np.repeat(np.arange(REPETITIONS), n_images)),
        "neuroid_id": ("neuroid", [f"synthetic.{r}.{i}" for i, r in enumerate(site_regions)]),
        "region": ("neuroid", site_regions),
        "generator_layer": ("neuroid", [GENERATOR_LAYERS[r] for r in site_regions]),
        "time_bin_start": ("time_bin", [TIME_BIN[0]]),
        "time_bin_end": ("time_bin", [TIME_BIN[1]]),
    }
    attrs = {
        "identifier": ASSEMBLY,
        "stimulus_set_identifier": STIMULUS_SET,
        "synthetic": "true",
        "generator": GENERATOR,
        "planted_reliability": PLANTED_RELIABILITY,
        "planted_components": PLANTED_COMPONENTS,
        "seed": SEED,
    }
    values = trials[:, :, None].astype(np.float32)
    dims = ("presentation", "neuroid", "time_bin")
    return xr.DataArray(values, dims=dims, coords=coords, attrs=attrs, name="rates")


def generator_features(stimuli: StimulusSet) -> dict[str, np.ndarray]:
    """The generator's activations of each region's layer (shipped weights, CPU, deterministic)."""
    from scoring.brain_model import extract_activations

    layers = sorted(set(GENERATOR_LAYERS.values()))
    activations = extract_activations(GENERATOR, stimuli, layers)
    return {r: np.asarray(activations[layer].values) for r, layer in GENERATOR_LAYERS.items()}


def build_synthetic_data(out: Path) -> None:
    """Write the synthetic stimulus set and assembly under ``out/synthetic``."""
    cifar = out / "cifar10"
    stem = f"stimulus_{CIFAR10_TEST}"
    with tempfile.TemporaryDirectory() as tmp:
        test = load_stimulus_set(
            cifar / f"{stem}.csv", cifar / f"{stem}.zip", CIFAR10_TEST, Path(tmp)
        )
        stimuli = synthetic_stimuli(test)
        features = generator_features(stimuli)
        regions = [
            plant_region(region, features[region], N_SITES[region], SEED + k)
            for k, region in enumerate(GENERATOR_LAYERS)
        ]
        folder = out / "synthetic"
        if folder.exists():
            shutil.rmtree(folder)
        write_set(stimuli, folder)
        assembly_path = folder / f"assy_{ASSEMBLY.replace('.', '_')}.nc"
        write_assembly(trials_assembly(stimuli, regions, SEED), assembly_path)
