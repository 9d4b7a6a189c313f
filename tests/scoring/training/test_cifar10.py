from __future__ import annotations

import json
from collections import Counter
from pathlib import Path, PurePosixPath

from scoring.offline_data import CIFAR10_CLASSES
from scoring.training.cifar10 import CifarZipDataset, extract_imagefolder, stratified_members
from scoring.training.datasets import ImageFolder
from scoring.training.transforms import to_tensor
from tests.data import DataSource


def test_stratified_members_draws_the_same_count_per_class(data_source: DataSource):
    zip_path = data_source("cifar10") / "cifar10_test_jpeg.zip"
    members = stratified_members(zip_path, "test", per_class=7, seed=3)
    per_class = Counter(PurePosixPath(name).parts[1] for name in members)
    assert per_class == dict.fromkeys(CIFAR10_CLASSES, 7)
    assert members == stratified_members(zip_path, "test", per_class=7, seed=3)
    assert members != stratified_members(zip_path, "test", per_class=7, seed=4)


def test_zip_dataset_reads_32px_images_with_labels(data_source: DataSource):
    zip_path = data_source("cifar10") / "cifar10_train_jpeg.zip"
    members = stratified_members(zip_path, "train", per_class=1)
    dataset = CifarZipDataset(zip_path, members, to_tensor)
    images_and_labels = [dataset[index] for index in range(len(dataset))]
    assert [label for _image, label in images_and_labels] == list(range(10))
    assert all(image.shape == (3, 32, 32) for image, _label in images_and_labels)


def test_cifar_subset_is_an_image_folder_with_train_and_val(cifar_subset: Path):
    train = ImageFolder(cifar_subset / "train", to_tensor)
    val = ImageFolder(cifar_subset / "val", to_tensor)
    assert train.classes == list(CIFAR10_CLASSES) == val.classes
    assert (len(train), len(val)) == (300, 100)
    recipe = json.loads((cifar_subset / "subset.json").read_text())["recipe"]
    assert recipe == {"train_per_class": 30, "val_per_class": 10, "seed": 0}


def test_extract_reuses_a_matching_folder_and_redraws_a_different_one(
    data_source: DataSource, tmp_path: Path
):
    out = tmp_path / "data"
    extract_imagefolder(data_source("cifar10"), out, train_per_class=2)
    marker = out / "train" / "keep-me"
    marker.write_text("")
    extract_imagefolder(data_source("cifar10"), out, train_per_class=2)
    assert marker.exists()
    extract_imagefolder(data_source("cifar10"), out, train_per_class=3)
    assert not marker.exists()
    assert len(ImageFolder(out / "train", to_tensor)) == 30
    assert not (out / "val").exists()
