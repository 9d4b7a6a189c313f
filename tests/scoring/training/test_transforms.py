from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from scoring.training.profiles import IMAGENET_MEAN, IMAGENET_STD, get_profile
from scoring.training.transforms import (
    CenterCrop,
    Normalize,
    RandomHorizontalFlip,
    RandomResizedCrop,
    Resize,
    eval_transform,
    to_tensor,
    train_transform,
)


def _gradient_image(width: int, height: int) -> Image.Image:
    """Synthetic test image: red grows left to right, green top to bottom."""
    x = np.linspace(0, 255, width, dtype=np.uint8)[None, :].repeat(height, 0)
    y = np.linspace(0, 255, height, dtype=np.uint8)[:, None].repeat(width, 1)
    return Image.fromarray(np.stack([x, y, np.zeros_like(x)], axis=2))


def test_train_transform_gives_normalised_224_crops():
    torch.manual_seed(0)
    tensor = train_transform(get_profile("paper"), IMAGENET_MEAN, IMAGENET_STD)(
        _gradient_image(400, 300)
    )
    assert tensor.shape == (3, 224, 224)
    assert tensor.dtype == torch.float32
    assert float(tensor[2].max()) == pytest.approx(-0.406 / 0.225, abs=1e-5)


def test_eval_transform_resizes_shorter_side_then_center_crops():
    tensor = eval_transform(get_profile("paper"), IMAGENET_MEAN, IMAGENET_STD)(
        _gradient_image(512, 300)
    )
    assert tensor.shape == (3, 224, 224)


def test_resize_keeps_aspect_ratio_on_shorter_side():
    assert Resize(256)(_gradient_image(400, 300)).size == (341, 256)
    assert Resize(256)(_gradient_image(300, 400)).size == (256, 341)


def test_center_crop_takes_the_middle():
    image = Image.fromarray(np.arange(25, dtype=np.uint8).reshape(5, 5))
    assert np.asarray(CenterCrop(3)(image)).tolist() == [[6, 7, 8], [11, 12, 13], [16, 17, 18]]


def test_random_resized_crop_boxes_stay_inside_with_area_in_scale():
    torch.manual_seed(0)
    crop = RandomResizedCrop(32, scale=(0.3, 0.6))
    for _ in range(200):
        left, top, width, height = crop.box(100, 80)
        assert 0 <= left <= 100 - width
        assert 0 <= top <= 80 - height
        assert 0.25 <= width * height / 8000 <= 0.65


def test_random_resized_crop_falls_back_to_a_central_crop():
    left, top, width, height = RandomResizedCrop(8, scale=(2.0, 3.0)).box(100, 10)
    assert (width, height) == (13, 10)
    assert left == (100 - 13) // 2 and top == 0


def test_horizontal_flip_mirrors_columns():
    image = _gradient_image(10, 4)
    flipped = RandomHorizontalFlip(probability=1.0)(image)
    assert np.array_equal(np.asarray(flipped), np.asarray(image)[:, ::-1])
    assert RandomHorizontalFlip(probability=0.0)(image) is image


def test_to_tensor_scales_to_unit_range_channels_first():
    image = Image.fromarray(np.full((2, 3, 3), 255, dtype=np.uint8))
    tensor = to_tensor(image)
    assert tensor.shape == (3, 2, 3)
    assert torch.all(tensor == 1.0)


def test_normalize_subtracts_mean_and_divides_by_std_per_channel():
    tensor = torch.ones(3, 2, 2)
    normalised = Normalize((0.5, 0.0, 1.0), (0.5, 2.0, 1.0))(tensor)
    assert normalised[:, 0, 0].tolist() == [1.0, 0.5, 0.0]
