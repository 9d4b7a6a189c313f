"""Preprocessing (§2.3) and placement on screen (§2.2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from scoring.activations.preprocess import (
    Preprocessing,
    image_to_array,
    load_rgb,
    place_image,
    place_on_screen,
)
from scoring.data.stimuli import StimulusSet


@pytest.mark.parametrize("mode", ["L", "LA", "P", "RGBA", "RGB", "CMYK"])
def test_every_mode_becomes_three_normalized_channels(tmp_path: Path, mode: str) -> None:
    path = tmp_path / f"gray.{'png' if mode != 'CMYK' else 'jpg'}"
    gray = Image.new("RGB", (10, 6), (128, 128, 128))
    converted = (
        gray.convert("P", palette=Image.Palette.ADAPTIVE) if mode == "P" else gray.convert(mode)
    )
    converted.save(path)
    config = Preprocessing(input_size=8)
    array = image_to_array(load_rgb(path), config)
    assert array.shape == (3, 8, 8) and array.dtype == np.float32
    expected = (128 / 255 - np.array(config.mean)) / np.array(config.std)
    assert np.allclose(array[:, 4, 4], expected, atol=0.03)


def test_larger_model_field_pastes_on_gray_canvas() -> None:
    image = Image.new("RGB", (20, 10), (255, 0, 0))
    placed = place_image(image, 1.5)
    assert placed.size == (30, 15)
    assert placed.getpixel((0, 0)) == (128, 128, 128)
    assert placed.getpixel((15, 7)) == (255, 0, 0)


def test_smaller_model_field_crops_the_centre() -> None:
    image = Image.new("RGB", (20, 20), (0, 0, 255))
    image.paste((0, 255, 0), (5, 5, 15, 15))
    placed = place_image(image, 0.5)
    assert placed.size == (10, 10) and {
        tuple(p) for p in np.asarray(placed).reshape(-1, 3).tolist()
    } == {(0, 255, 0)}


def test_place_on_screen_is_a_no_op_at_eight_degrees(stimuli: StimulusSet, tmp_path: Path) -> None:
    assert place_on_screen(stimuli, 8.0) is stimuli
    wider = place_on_screen(stimuli, 16.0, cache_dir=tmp_path)
    assert wider.stimulus_ids == stimuli.stimulus_ids
    assert Image.open(wider.path(stimuli.stimulus_ids[0])).size == (64, 64)
