"""Time mapping (§2.5): nearest step start, ties to the earlier step."""

from __future__ import annotations

import pytest

from scoring.activations.temporal import step_for_bin, steps_for_bins
from scoring.models import model_info

CORNET_S = model_info("cornet_s").time_mapping
assert CORNET_S is not None


def test_majajhong_bin_maps_to_first_steps_of_v4_and_it() -> None:
    assert step_for_bin(CORNET_S["V4"], (70, 170)) == 0
    assert step_for_bin(CORNET_S["IT"], (70, 170)) == 0


def test_kar2019_bins_split_at_150_ms() -> None:
    bins = [(start, start + 10) for start in range(70, 250, 10)]
    steps = dict(zip([b[0] for b in bins], steps_for_bins(CORNET_S["IT"], bins), strict=True))
    assert all(steps[start] == 0 for start in range(70, 160, 10))
    assert all(steps[start] == 1 for start in range(160, 250, 10))


def test_tie_goes_to_the_earlier_step_and_v4_uses_four_steps() -> None:
    assert step_for_bin((100, 100, 2), (150, 160)) == 0
    assert steps_for_bins(CORNET_S["V4"], [(90, 140), (140, 190), (200, 210), (400, 500)]) == [
        0, 1, 2, 3,
    ]  # fmt: skip


def test_feed_forward_models_serve_every_bin_from_the_single_step() -> None:
    assert steps_for_bins(None, [(70, 170), (170, 270)]) == [0, 0]


def test_steps_before_the_onset_never_serve_a_bin() -> None:
    """An area the image has not reached yet answers every image alike: the nearest step at or
    after the onset serves instead."""
    bins = [(0, 250), (70, 170), (120, 130), (130, 140)]
    assert steps_for_bins((50, 20, 5), bins) == [0, 1, 3, 4]
    assert steps_for_bins((50, 20, 5), bins, onset=3) == [3, 3, 3, 4]
    with pytest.raises(ValueError, match="onset step 5"):
        step_for_bin((50, 20, 5), (70, 170), onset=5)
