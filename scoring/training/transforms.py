"""Image transforms for training and validation, written with PIL + numpy + torch.

They follow torchvision's definitions (RandomResizedCrop, RandomHorizontalFlip, Resize,
CenterCrop, ToTensor, Normalize) so the CORnet-S recipe means the same thing here. Randomness
comes from torch's global generator, which DataLoader seeds per worker.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from scoring.training.profiles import TrainingProfile

Transform = Callable[[Image.Image], torch.Tensor]


def _uniform(low: float, high: float) -> float:
    return low + (high - low) * float(torch.rand(1))


def _randint(low: int, high_inclusive: int) -> int:
    return int(torch.randint(low, high_inclusive + 1, (1,)))


@dataclass(frozen=True)
class RandomResizedCrop:
    """Crop a random area fraction ``scale`` and aspect ``ratio``, then resize to ``size``."""

    size: int
    scale: tuple[float, float] = (0.08, 1.0)
    ratio: tuple[float, float] = (3 / 4, 4 / 3)

    def box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(left, top, crop width, crop height), torchvision's 10-attempt sampler."""
        area = width * height
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(10):
            target_area = area * _uniform(*self.scale)
            aspect = math.exp(_uniform(*log_ratio))
            crop_w = round(math.sqrt(target_area * aspect))
            crop_h = round(math.sqrt(target_area / aspect))
            if 0 < crop_w <= width and 0 < crop_h <= height:
                return _randint(0, width - crop_w), _randint(0, height - crop_h), crop_w, crop_h
        return self._central_fallback(width, height)

    def _central_fallback(self, width: int, height: int) -> tuple[int, int, int, int]:
        aspect = width / height
        crop_w, crop_h = width, height
        if aspect < self.ratio[0]:
            crop_h = round(width / self.ratio[0])
        elif aspect > self.ratio[1]:
            crop_w = round(height * self.ratio[1])
        return (width - crop_w) // 2, (height - crop_h) // 2, crop_w, crop_h

    def __call__(self, image: Image.Image) -> Image.Image:
        left, top, crop_w, crop_h = self.box(*image.size)
        crop = image.crop((left, top, left + crop_w, top + crop_h))
        return crop.resize((self.size, self.size), Image.Resampling.BILINEAR)


@dataclass(frozen=True)
class RandomHorizontalFlip:
    probability: float = 0.5

    def __call__(self, image: Image.Image) -> Image.Image:
        if float(torch.rand(1)) < self.probability:
            return image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        return image


@dataclass(frozen=True)
class Resize:
    """Resize so that the shorter side equals ``size``, keeping the aspect ratio."""

    size: int

    def __call__(self, image: Image.Image) -> Image.Image:
        width, height = image.size
        if width <= height:
            new_size = (self.size, int(self.size * height / width))
        else:
            new_size = (int(self.size * width / height), self.size)
        return image.resize(new_size, Image.Resampling.BILINEAR)


@dataclass(frozen=True)
class CenterCrop:
    size: int

    def __call__(self, image: Image.Image) -> Image.Image:
        width, height = image.size
        left = round((width - self.size) / 2.0)
        top = round((height - self.size) / 2.0)
        return image.crop((left, top, left + self.size, top + self.size))


def to_tensor(image: Image.Image) -> torch.Tensor:
    """RGB PIL image -> float tensor (3, H, W) in [0, 1]."""
    array = np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0
    return torch.from_numpy(array.transpose(2, 0, 1).copy())


@dataclass(frozen=True)
class Normalize:
    mean: Sequence[float]
    std: Sequence[float]

    def __call__(self, tensor: torch.Tensor) -> torch.Tensor:
        mean = torch.tensor(self.mean, dtype=tensor.dtype).view(-1, 1, 1)
        std = torch.tensor(self.std, dtype=tensor.dtype).view(-1, 1, 1)
        return (tensor - mean) / std


@dataclass(frozen=True)
class Pipeline:
    """PIL steps, then ``to_tensor``, then ``Normalize`` (picklable for DataLoader workers)."""

    image_steps: tuple[Callable[[Image.Image], Image.Image], ...]
    normalize: Normalize

    def __call__(self, image: Image.Image) -> torch.Tensor:
        for step in self.image_steps:
            image = step(image)
        return self.normalize(to_tensor(image))


def train_transform(
    profile: TrainingProfile, mean: Sequence[float], std: Sequence[float]
) -> Pipeline:
    crop = RandomResizedCrop(profile.input_size, scale=profile.crop_scale)
    return Pipeline((crop, RandomHorizontalFlip()), Normalize(tuple(mean), tuple(std)))


def eval_transform(
    profile: TrainingProfile, mean: Sequence[float], std: Sequence[float]
) -> Pipeline:
    steps = (Resize(profile.resize_size), CenterCrop(profile.input_size))
    return Pipeline(steps, Normalize(tuple(mean), tuple(std)))
