"""Fixtures for benchmark tests: small BrainIO files in the exact published layout, filled with
SYNTHETIC images and responses (the real recordings cannot be shipped), and a stand-in model."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from PIL import Image

from scoring.data.brainio import write_assembly, write_stimulus_set
from scoring.data.stimuli import StimulusSet
from scoring.offline_data import CIFAR10_CLASSES
from tests.data import DataSource

HVM_IMAGES_PER_OBJECT = 10


class StandInModel:
    """A BrainModel that answers every region with fixed features per stimulus (test double)."""

    def __init__(
        self,
        features: Mapping[str, np.ndarray] | None = None,
        probabilities: Mapping[str, np.ndarray] | None = None,
        labels: Mapping[str, str] | None = None,
        identifier: str = "stand-in",
        features_over_time: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.features_over_time = features_over_time
        self.identifier = identifier
        self.features = features or {}
        self.probabilities = probabilities
        self.labels = labels
        self.task = "passive"
        self.recorded: list[tuple[str, list[tuple[int, int]] | None]] = []
        self.fitted_on: StimulusSet | None = None

    def visual_degrees(self) -> float:
        return 8.0

    def start_task(self, task: str, fitting_stimuli: object = None) -> None:
        if task == "label" and self.labels is None:
            raise ValueError("no 10-way head")
        if task == "probabilities" and isinstance(fitting_stimuli, StimulusSet):
            self.fitted_on = fitting_stimuli
        self.task = task

    def start_recording(self, region: str, time_bins: list[tuple[int, int]] | None = None) -> None:
        self.recorded.append((region, time_bins))

    def readout_features(self, stimuli: StimulusSet) -> np.ndarray:
        """Pixels of each image at 8×8, flattened (a pixel baseline)."""
        return np.stack([_pixels(stimuli.path(sid)) for sid in stimuli.stimulus_ids])

    def look_at(
        self, stimuli: StimulusSet, number_of_trials: int = 1, stimulus_degrees: float = 8.0
    ) -> xr.DataArray:
        ids = stimuli.stimulus_ids
        if self.features_over_time is not None:
            _region, bins = self.recorded[-1]
            assert bins is not None
            values = np.stack([self.features_over_time[sid] for sid in ids])
            return xr.DataArray(
                values,
                dims=("presentation", "neuroid", "time_bin"),
                coords={
                    "stimulus_id": ("presentation", np.array(ids)),
                    "neuroid_id": ("neuroid", [f"unit{i}" for i in range(values.shape[1])]),
                    "time_bin_start": ("time_bin", [a for a, _ in bins]),
                    "time_bin_end": ("time_bin", [b for _, b in bins]),
                },
            )
        if self.task == "probabilities" and self.probabilities is not None:
            return xr.DataArray(
                np.stack([self.probabilities[sid] for sid in ids]),
                dims=("presentation", "choice"),
                coords={"stimulus_id": ("presentation", ids), "choice": list(CIFAR10_CLASSES)},
            )
        if self.task == "label" and self.labels is not None:
            labels = [self.labels[sid] for sid in ids]
            return xr.DataArray(
                labels, dims=("presentation",), coords={"stimulus_id": ("presentation", ids)}
            )
        values = np.stack([self.features[sid] for sid in ids])[:, :, None]
        return xr.DataArray(
            values,
            dims=("presentation", "neuroid", "time_bin"),
            coords={
                "stimulus_id": ("presentation", np.array(ids)),
                "neuroid_id": ("neuroid", [f"unit{i}" for i in range(values.shape[1])]),
                "layer": ("neuroid", ["stand-in.layer"] * values.shape[1]),
                "time_bin_start": ("time_bin", [70]),
                "time_bin_end": ("time_bin", [170]),
            },
        )


def _pixels(path: Path, size: int = 8) -> np.ndarray:
    image = Image.open(path).convert("L").resize((size, size), Image.Resampling.BILINEAR)
    return np.asarray(image, dtype=float).ravel()


@pytest.fixture(scope="session")
def stand_in() -> type[StandInModel]:
    return StandInModel


@pytest.fixture(scope="session")
def write_images() -> object:
    return write_synthetic_images


@pytest.fixture(scope="session")
def hvm_like_metadata(data_source: DataSource) -> pd.DataFrame:
    """Real HvM variation-6 metadata, the first few images of each of the 64 objects."""
    hvm = pd.read_csv(
        data_source("brainscore-vision-stimulus-metadata") / "hvm_5760_image_metadata.csv"
    )
    v6 = hvm[hvm["var"] == "V6"].groupby("obj").head(HVM_IMAGES_PER_OBJECT)
    return pd.DataFrame(
        {
            "stimulus_id": v6["id"].astype(str).to_numpy(),
            "filename": [f"{sid}.png" for sid in v6["id"]],
            "object_name": v6["obj"].to_numpy(),
            "category_name": v6["category"].to_numpy(),
            "variation": 6,
        }
    )


def write_synthetic_images(metadata: pd.DataFrame, folder: Path, seed: int = 0) -> dict[str, Path]:
    """SYNTHETIC 8×8 noise images, one per row (real HvM images are not available offline)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(seed)
    paths = {}
    for sid, name in zip(metadata["stimulus_id"], metadata["filename"], strict=True):
        pixels = rng.randint(0, 255, size=(8, 8, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / name)
        paths[str(sid)] = folder / name
    return paths


def recording_assembly(
    metadata: pd.DataFrame,
    signal: np.ndarray,
    regions: list[str],
    repetitions: int,
    noise: float,
    seed: int = 1,
) -> xr.DataArray:
    """Trials = signal (images × sites) + Gaussian noise, stacked over ``repetitions``."""
    rng = np.random.RandomState(seed)
    n_images, n_sites = signal.shape
    trials = np.concatenate(
        [signal + noise * rng.randn(n_images, n_sites) for _ in range(repetitions)]
    )
    return xr.DataArray(
        trials[:, :, None].astype(np.float32),
        dims=("presentation", "neuroid", "time_bin"),
        coords={
            "stimulus_id": (
                "presentation",
                np.tile(metadata["stimulus_id"].to_numpy(), repetitions),
            ),
            "repetition": ("presentation", np.repeat(np.arange(repetitions), n_images)),
            "neuroid_id": ("neuroid", [f"site{i}" for i in range(n_sites)]),
            "region": ("neuroid", regions),
            "time_bin_start": ("time_bin", [70]),
            "time_bin_end": ("time_bin", [170]),
        },
    )


@pytest.fixture(scope="session")
def hvm_like_data(
    tmp_path_factory: pytest.TempPathFactory, hvm_like_metadata: pd.DataFrame
) -> tuple[Path, dict[str, np.ndarray]]:
    """A data folder with SYNTHETIC private-HvM-shaped files; returns (folder, true features)."""
    folder = tmp_path_factory.mktemp("hvm-like")
    rng = np.random.RandomState(0)
    features = rng.randn(len(hvm_like_metadata), 30)
    mapping = rng.randn(30, 24)
    signal = features @ mapping
    regions = ["V4"] * 8 + ["IT"] * 16
    paths = write_synthetic_images(hvm_like_metadata, folder / "images")
    stimuli = StimulusSet("hvm-private", hvm_like_metadata, paths)
    write_stimulus_set(
        stimuli, folder / "stimulus_hvm-private.csv", folder / "stimulus_hvm-private.zip"
    )
    assembly = recording_assembly(hvm_like_metadata, signal, regions, repetitions=6, noise=3.0)
    assembly.attrs.update(
        identifier="dicarlo.MajajHong2015.private", stimulus_set_identifier="hvm-private"
    )
    write_assembly(assembly, folder / "assy_dicarlo_MajajHong2015_private.nc")
    truth = dict(zip(hvm_like_metadata["stimulus_id"].astype(str), features, strict=True))
    return folder, truth
