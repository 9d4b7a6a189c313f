"""The shipped CIFAR-10 / CIFAR-10H BrainIO files: alignment, order and provenance."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.data.brainio import load_assembly, read_stimulus_csv
from tests.data import DataSource

DATA = Path(__file__).resolve().parents[3] / "data"


@pytest.fixture(scope="module")
def test_csv() -> pd.DataFrame:
    return read_stimulus_csv(DATA / "cifar10" / "stimulus_cifar10-test.csv")


def test_test_set_is_in_original_order_with_labels(
    test_csv: pd.DataFrame, data_source: DataSource
) -> None:
    labels = np.load(data_source("cifar10") / "test_labels.npy")
    assert list(test_csv["test_index"]) == list(range(10_000))
    assert np.array_equal(test_csv["label"].to_numpy(), labels)
    assert test_csv["image_label"].iloc[0] == "cat"


def test_images_are_the_shared_jpegs_unchanged(
    test_csv: pd.DataFrame, data_source: DataSource
) -> None:
    order = pd.read_csv(data_source("cifar10") / "test_order.csv")
    shipped = zipfile.ZipFile(DATA / "cifar10" / "stimulus_cifar10-test.zip")
    source = zipfile.ZipFile(data_source("cifar10") / "cifar10_test_jpeg.zip")
    for index in (0, 2405, 9999):
        ours = shipped.read(test_csv["filename"].iloc[index])
        assert ours == source.read(order["filename"].iloc[index])


def test_cifar10h_counts_align_by_stimulus_id(
    test_csv: pd.DataFrame, data_source: DataSource
) -> None:
    counts = load_assembly(DATA / "cifar10h" / "assy_cifar10h-counts.nc")
    assert counts.dims == ("presentation", "choice")
    assert list(counts["stimulus_id"].values) == list(test_csv["stimulus_id"])
    raw = np.load(data_source("cifar10h") / "cifar10h-counts.npy")
    assert np.array_equal(counts.values, raw)
    plurality = counts.values.argmax(axis=1) == test_csv["label"].to_numpy()
    assert plurality.mean() == pytest.approx(0.9921)


def test_train_fit_set_is_class_balanced() -> None:
    train = read_stimulus_csv(DATA / "cifar10" / "stimulus_cifar10-train-fit.csv")
    assert train["image_label"].value_counts().tolist() == [500] * 10
    assert not train["stimulus_id"].duplicated().any()
