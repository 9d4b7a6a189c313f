"""Time mapping (scoring spec §2.5): which model time step serves a requested time bin.

A region's mapping ``(start, step, n_steps)`` puts step t at [start + t*step, start + (t+1)*step).
A requested bin (a, b) is served by the step whose start is nearest to a, ties to the earlier
step; the output keeps the requested (a, b) labels. Steps before the region's onset step (the
image has not reached the area yet, so its response is the same for every image) never serve.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

TimeBin = tuple[int, int]


def step_for_bin(mapping: tuple[int, int, int], time_bin: TimeBin, onset: int = 0) -> int:
    start, step, n_steps = mapping
    if not 0 <= onset < n_steps:
        raise ValueError(f"onset step {onset} outside the {n_steps} steps of {mapping}")
    distances = [abs(start + t * step - time_bin[0]) for t in range(onset, n_steps)]
    return onset + int(np.argmin(distances))  # argmin: the first (earlier) step on a tie


def steps_for_bins(
    mapping: tuple[int, int, int] | None, time_bins: Sequence[TimeBin], onset: int = 0
) -> list[int]:
    """The step per bin; a feed-forward model (no mapping) serves every bin from step 0."""
    if mapping is None:
        return [0] * len(time_bins)
    return [step_for_bin(mapping, time_bin, onset) for time_bin in time_bins]


def stack_time_bins(per_bin: Sequence[xr.DataArray], time_bins: Sequence[TimeBin]) -> xr.DataArray:
    """presentation x neuroid arrays (one per bin) -> presentation x neuroid x time_bin."""
    stacked = xr.concat(list(per_bin), dim="time_bin", coords="minimal", compat="override")
    stacked = stacked.assign_coords(
        time_bin_start=("time_bin", np.array([b[0] for b in time_bins], dtype=int)),
        time_bin_end=("time_bin", np.array([b[1] for b in time_bins], dtype=int)),
    )
    return stacked.transpose("presentation", "neuroid", "time_bin")
