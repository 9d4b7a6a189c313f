"""The shipped CIFAR-10 JPEG zips (``train/<class>/<k>.jpg``): read in place or extract a subset.

The service trains on folders, so ``extract_imagefolder`` writes a stratified subset (same count
per class, fixed seed) as ``out/train`` and ``out/val`` (from the test zip).
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset


def zip_members_by_class(zip_path: Path, split: str) -> dict[str, list[str]]:
    """Sorted JPEG member names of ``split`` (``train``/``test``) per class folder."""
    members: dict[str, list[str]] = defaultdict(list)
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            parts = PurePosixPath(name).parts
            if len(parts) == 3 and parts[0] == split and name.lower().endswith(".jpg"):
                members[parts[1]].append(name)
    return {label: sorted(names) for label, names in sorted(members.items())}


def stratified_members(zip_path: Path, split: str, per_class: int, seed: int = 0) -> list[str]:
    """``per_class`` members of every class, drawn without replacement by ``RandomState(seed)``."""
    random_state = np.random.RandomState(seed)
    chosen: list[str] = []
    for label, names in zip_members_by_class(zip_path, split).items():
        if per_class > len(names):
            raise ValueError(f"class {label} has {len(names)} images, asked for {per_class}")
        picks = random_state.choice(len(names), size=per_class, replace=False)
        chosen.extend(names[index] for index in sorted(picks))
    return chosen


class CifarZipDataset(Dataset[tuple[torch.Tensor, int]]):
    """Images read straight from the zip; the handle is opened lazily per process."""

    def __init__(
        self, zip_path: Path, members: list[str], transform: Callable[[Image.Image], torch.Tensor]
    ) -> None:
        self.zip_path = Path(zip_path)
        self.members = members
        self.transform = transform
        self.classes = sorted({PurePosixPath(name).parts[1] for name in members})
        self._archive: zipfile.ZipFile | None = None

    def __len__(self) -> int:
        return len(self.members)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        if self._archive is None:
            self._archive = zipfile.ZipFile(self.zip_path)
        name = self.members[index]
        with self._archive.open(name) as handle, Image.open(handle) as image:
            tensor = self.transform(image.convert("RGB"))
        return tensor, self.classes.index(PurePosixPath(name).parts[1])

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_archive": None}


def _extract_members(zip_path: Path, members: list[str], out_dir: Path) -> None:
    with zipfile.ZipFile(zip_path) as archive:
        for name in members:
            _split, label, filename = PurePosixPath(name).parts
            target = out_dir / label / filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))


def extract_imagefolder(
    cifar_dir: Path, out_dir: Path, train_per_class: int, val_per_class: int = 0, seed: int = 0
) -> Path:
    """Write ``out_dir/train`` (and ``out_dir/val`` when ``val_per_class``) once; reuse after.

    The folder is assembled next to ``out_dir`` and renamed into place, so a crash never
    leaves a half-written dataset behind; ``subset.json`` records what was drawn.
    """
    out_dir = Path(out_dir)
    recipe = {"train_per_class": train_per_class, "val_per_class": val_per_class, "seed": seed}
    marker = out_dir / "subset.json"
    if marker.is_file() and json.loads(marker.read_text())["recipe"] == recipe:
        return out_dir
    staging = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    splits = {"train": ("cifar10_train_jpeg.zip", "train", train_per_class)}
    if val_per_class:
        splits["val"] = ("cifar10_test_jpeg.zip", "test", val_per_class)
    for folder, (zip_name, split, per_class) in splits.items():
        members = stratified_members(Path(cifar_dir) / zip_name, split, per_class, seed)
        _extract_members(Path(cifar_dir) / zip_name, members, staging / folder)
    (staging / "subset.json").write_text(json.dumps({"source": str(cifar_dir), "recipe": recipe}))
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)
    return out_dir


def is_cifar10_zip_folder(path: Path) -> bool:
    return (Path(path) / "cifar10_train_jpeg.zip").is_file()


def training_folder(data: Path, work_dir: Path, per_class: int, val_per_class: int = 100) -> Path:
    """``data`` itself when it is an ImageFolder tree; for the CIFAR-10 zip folder, an extracted
    stratified subset under ``work_dir`` (``per_class`` train and ``val_per_class`` test images
    per class)."""
    if not is_cifar10_zip_folder(data):
        return Path(data)
    folder = Path(work_dir) / f"cifar10-{per_class}x10"
    return extract_imagefolder(data, folder, train_per_class=per_class, val_per_class=val_per_class)
