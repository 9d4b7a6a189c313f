"""Real CIFAR-10 test JPEGs as a small StimulusSet for the activation tests."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from scoring.data.stimuli import StimulusSet
from tests.data import DataSource


def cifar_stimuli(data_source: DataSource, folder: Path, count: int, start: int = 0) -> StimulusSet:
    rows = list(csv.DictReader((data_source("cifar10") / "test_order.csv").open()))
    rows = rows[start : start + count]
    paths = {}
    with zipfile.ZipFile(data_source("cifar10") / "cifar10_test_jpeg.zip") as archive:
        for row in rows:
            path = folder / f"cifar{row['test_index']}.jpg"
            path.write_bytes(archive.read(row["filename"]))
            paths[f"cifar{row['test_index']}"] = path
    metadata = pd.DataFrame(
        {
            "stimulus_id": list(paths),
            "image_label": [row["class_name"] for row in rows],
            "test_index": [int(row["test_index"]) for row in rows],
        }
    )
    return StimulusSet(f"cifar10-test-{start}-{count}", metadata, paths)


@pytest.fixture
def stimuli(data_source: DataSource, tmp_path: Path) -> StimulusSet:
    return cifar_stimuli(data_source, tmp_path, 5)
