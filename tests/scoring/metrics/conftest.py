"""Fixtures for the metric tests: the real IT site and small synthetic (labelled) populations."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import xarray as xr

from tests.data import DataSource


def trials_assembly(rates: np.ndarray, objects: np.ndarray | None = None) -> xr.DataArray:
    """images × repetitions × neuroids → a trial-level (presentation, neuroid) assembly."""
    n_images, n_reps, n_neuroids = rates.shape
    ids = np.array([f"img{i:04d}" for i in range(n_images)])
    coords = {
        "stimulus_id": ("presentation", np.repeat(ids, n_reps)),
        "repetition": ("presentation", np.tile(np.arange(n_reps), n_images)),
        "neuroid_id": ("neuroid", [f"n{k}" for k in range(n_neuroids)]),
    }
    if objects is not None:
        coords["object_name"] = ("presentation", np.repeat(objects, n_reps))
    return xr.DataArray(
        rates.reshape(n_images * n_reps, n_neuroids),
        dims=("presentation", "neuroid"),
        coords=coords,
    )


@pytest.fixture(scope="session")
def it_site(data_source: DataSource) -> xr.DataArray:
    """The real macaque IT site: 640 images × 63 repetitions, one neuroid."""
    path = data_source("kohitij-kar-prediction_demo") / "sample_neuron.h5"
    with h5py.File(path, "r") as handle:
        rates = handle["rates"][:]
    return trials_assembly(rates[:, :, None])


@pytest.fixture(scope="session")
def synthetic_population() -> xr.DataArray:
    """SYNTHETIC: 16 objects × 10 images, 168 sites = linear map of a 40-d latent + trial noise."""
    rng = np.random.default_rng(7)
    objects = np.repeat([f"obj{k:02d}" for k in range(16)], 10)
    latent = rng.normal(size=(160, 40)) + np.repeat(rng.normal(size=(16, 40)), 10, axis=0)
    signal = latent @ rng.normal(size=(40, 168))
    noise = rng.normal(scale=1.5 * signal.std(), size=(160, 20, 168))
    return trials_assembly(signal[:, None, :] + noise, objects)
