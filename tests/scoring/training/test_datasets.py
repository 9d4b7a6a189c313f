from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from scoring.training.datasets import ImageFolder, split_dirs
from scoring.training.transforms import to_tensor


def _write_synthetic_image(path: Path, value: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((6, 8, 3), value, dtype=np.uint8)).save(path)


def test_image_folder_labels_follow_sorted_class_folders(tmp_path: Path):
    _write_synthetic_image(tmp_path / "zebra" / "a.png", 10)
    _write_synthetic_image(tmp_path / "ant" / "b.png", 200)
    _write_synthetic_image(tmp_path / "ant" / "c.PNG", 100)
    (tmp_path / "ant" / "notes.txt").write_text("not an image")
    dataset = ImageFolder(tmp_path, to_tensor)
    assert dataset.classes == ["ant", "zebra"]
    assert [label for _path, label in dataset.samples] == [0, 0, 1]
    image, label = dataset[2]
    assert label == 1
    assert image.shape == (3, 6, 8)
    assert torch.allclose(image, torch.full_like(image, 10 / 255))


def test_image_folder_refuses_a_folder_without_classes(tmp_path: Path):
    with pytest.raises(ValueError, match="no class subfolders"):
        ImageFolder(tmp_path, to_tensor)


def test_split_dirs_prefers_train_and_val_subfolders(tmp_path: Path):
    assert split_dirs(tmp_path) == (tmp_path, None)
    (tmp_path / "train").mkdir()
    assert split_dirs(tmp_path) == (tmp_path / "train", None)
    (tmp_path / "val").mkdir()
    assert split_dirs(tmp_path) == (tmp_path / "train", tmp_path / "val")
