"""A disk cache of activations: netCDF files named by a hash of everything they depend on.

The key holds the model id, the weights' sha256, the preprocessing, the stimulus set's id and
hash, the layer, the region, the time bins (and, for recurrent models, the steps serving them)
and the PCA settings (Brain-Score's CORnet cache forgot region and time bins, so V4 could be
served IT's responses; scoring spec §5). A JSON file beside each entry spells out its key.
No pickle.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import xarray as xr

from scoring.data.stimuli import StimulusSet


@dataclass(frozen=True)
class CacheKey:
    model: str
    weights_sha256: str
    preprocessing: dict[str, object]
    stimulus_set: str
    stimulus_sha1: str
    layer: str
    region: str | None = None
    time_bins: tuple[tuple[int, int], ...] | None = None
    pca: dict[str, object] | None = None
    kind: str = "activations"
    # The model time step serving each bin (recurrent models): a changed time mapping must not
    # be served the old steps' responses.
    time_steps: tuple[int, ...] | None = None

    def digest(self) -> str:
        fields = asdict(self)
        if fields["time_steps"] is None:  # left out: feed-forward entries keep their digests
            del fields["time_steps"]
        text = json.dumps(fields, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def stimulus_set_sha1(stimuli: StimulusSet) -> str:
    """The set's declared sha1, else a sha1 over its ids and image bytes."""
    if stimuli.sha1:
        return stimuli.sha1
    digest = hashlib.sha1(usedforsecurity=False)
    for stimulus_id in sorted(stimuli.stimulus_ids):
        digest.update(stimulus_id.encode())
        digest.update(stimuli.path(stimulus_id).read_bytes())
    return digest.hexdigest()


class ActivationsCache:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: CacheKey) -> Path:
        digest = key.digest()
        return self.root / digest[:2] / f"{digest}.nc"

    def load(self, key: CacheKey) -> xr.DataArray | None:
        path = self.path(key)
        if not path.exists():
            return None
        return xr.load_dataarray(path, engine="h5netcdf")

    def store(self, key: CacheKey, array: xr.DataArray) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        _netcdf_safe(array).to_netcdf(partial, engine="h5netcdf")
        partial.replace(path)  # atomic: readers never see half a file
        path.with_suffix(".json").write_text(json.dumps(asdict(key), indent=1, default=str))

    def get_or_compute(self, key: CacheKey, compute: Callable[[], xr.DataArray]) -> xr.DataArray:
        cached = self.load(key)
        if cached is not None:
            return cached
        array = compute()
        self.store(key, array)
        return array


def _netcdf_safe(array: xr.DataArray) -> xr.DataArray:
    """netCDF cannot store python objects: object coordinates become strings; attrs dropped."""
    coords = {
        name: (coord.dims, coord.values.astype(str) if coord.dtype == object else coord.values)
        for name, coord in array.coords.items()
    }
    return xr.DataArray(array.values, dims=array.dims, coords=coords, name=array.name or "data")


def time_bins_key(
    time_bins: Sequence[tuple[int, int]] | None,
) -> tuple[tuple[int, int], ...] | None:
    return None if time_bins is None else tuple((int(a), int(b)) for a, b in time_bins)
