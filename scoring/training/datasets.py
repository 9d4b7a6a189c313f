"""Image datasets in the ImageFolder layout (``root/<class>/<image>``), read with PIL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import torch
from PIL import Image
from torch.utils.data import Dataset

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".ppm", ".webp", ".tif", ".tiff"})
Sample = TypeVar("Sample")


class ImageFolder(Dataset[tuple[torch.Tensor, int]]):
    """Class subfolders of images; labels are the sorted folder names' indices."""

    def __init__(self, root: Path, transform: Callable[[Image.Image], torch.Tensor]) -> None:
        self.root = Path(root)
        self.transform = transform
        self.classes = sorted(entry.name for entry in self.root.iterdir() if entry.is_dir())
        if not self.classes:
            raise ValueError(f"{self.root} has no class subfolders (ImageFolder layout expected)")
        self.samples = [
            (path, label)
            for label, name in enumerate(self.classes)
            for path in sorted((self.root / name).rglob("*"))
            if path.suffix.lower() in IMAGE_SUFFIXES
        ]
        if not self.samples:
            raise ValueError(f"{self.root} has class folders but no images")

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        path, label = self.samples[index]
        with Image.open(path) as image:
            return self.transform(image.convert("RGB")), label


def split_dirs(data_dir: Path) -> tuple[Path, Path | None]:
    """ImageNet convention: ``data_dir/train`` (+ ``data_dir/val``); else ``data_dir`` is train."""
    data_dir = Path(data_dir)
    train_dir = data_dir / "train"
    if not train_dir.is_dir():
        return data_dir, None
    val_dir = data_dir / "val"
    return train_dir, (val_dir if val_dir.is_dir() else None)
