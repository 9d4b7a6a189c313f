"""Builders of the offline data shipped in the repository's ``data/`` folder (spec §8).

Everything is written in the BrainIO format from the real files the data step fetches
(``<sources>/cifar10``, ``<sources>/cifar10h``):
CIFAR-10 test images in their original order (``cifar10-test``), a class-balanced CIFAR-10 train
subset for fitting readouts (``cifar10-train-fit``) and the CIFAR-10H human choice counts as an
assembly aligned by ``stimulus_id``.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from scoring.data.brainio import write_assembly, write_stimulus_set
from scoring.data.stimuli import StimulusSet

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
CIFAR10_TEST = "cifar10-test"
CIFAR10_TRAIN_FIT = "cifar10-train-fit"
CIFAR10H_COUNTS = "cifar10h-counts"
TRAIN_FIT_PER_CLASS = 500


@dataclass(frozen=True)
class ImageSource:
    """A JPEG inside one of the source zips, with its metadata row."""

    member: str
    row: dict[str, object]


def cifar10_test_sources(sources: Path) -> list[ImageSource]:
    """The 10,000 test images in the original CIFAR-10 order (row i = CIFAR-10H row i)."""
    with (sources / "cifar10" / "test_order.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    return [
        ImageSource(
            r["filename"],
            {
                "test_index": int(r["test_index"]),
                "label": int(r["label"]),
                "image_label": r["class_name"],
            },
        )
        for r in rows
    ]


def cifar10_train_sources(sources: Path, per_class: int) -> list[ImageSource]:
    """The first ``per_class`` train images of every class (files ``train/<class>/<k>.jpg``)."""
    return [
        ImageSource(
            f"train/{name}/{k:04d}.jpg",
            {"train_class_index": k, "label": label, "image_label": name},
        )
        for k in range(per_class)
        for label, name in enumerate(CIFAR10_CLASSES)
    ]


def extract_stimulus_set(
    zip_path: Path, sources: list[ImageSource], identifier: str, workdir: Path
) -> StimulusSet:
    """Copy the chosen JPEGs out of ``zip_path`` unchanged; stimulus_id = SHA1 of the bytes."""
    folder = workdir / identifier
    folder.mkdir(parents=True, exist_ok=True)
    rows, paths = [], {}
    with zipfile.ZipFile(zip_path) as archive:
        for index, source in enumerate(sources):
            payload = archive.read(source.member)
            stimulus_id = hashlib.sha1(payload).hexdigest()  # noqa: S324 - BrainIO convention
            filename = f"{identifier}-{index:05d}.jpg"
            (folder / filename).write_bytes(payload)
            rows.append({"stimulus_id": stimulus_id, "filename": filename, **source.row})
            paths[stimulus_id] = folder / filename
    return StimulusSet(identifier, pd.DataFrame(rows), paths)


def cifar10h_assembly(sources: Path, test_set: StimulusSet) -> xr.DataArray:
    """Human choice counts, presentation × choice, presentation i = test image i."""
    counts = np.load(sources / "cifar10h" / "cifar10h-counts.npy")
    meta = test_set.metadata.sort_values("test_index")
    if len(meta) != counts.shape[0] or list(meta["test_index"]) != list(range(len(meta))):
        raise ValueError("CIFAR-10H rows need the full test set in original order")
    return xr.DataArray(
        counts.astype(np.int32),
        dims=("presentation", "choice"),
        coords={
            "stimulus_id": ("presentation", meta["stimulus_id"].to_numpy().astype(str)),
            "test_index": ("presentation", meta["test_index"].to_numpy()),
            "choice": ("choice", np.array(CIFAR10_CLASSES)),
        },
        attrs={"identifier": CIFAR10H_COUNTS, "stimulus_set_identifier": CIFAR10_TEST},
        name="counts",
    )


def write_set(stimulus_set: StimulusSet, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"stimulus_{stimulus_set.identifier.replace('.', '_')}"
    write_stimulus_set(stimulus_set, folder / f"{stem}.csv", folder / f"{stem}.zip")


def build_cifar_data(sources: Path, out: Path, train_per_class: int = TRAIN_FIT_PER_CLASS) -> None:
    """Write cifar10-test, cifar10-train-fit and the CIFAR-10H assembly under ``out``."""
    cifar = sources / "cifar10"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        test = extract_stimulus_set(
            cifar / "cifar10_test_jpeg.zip", cifar10_test_sources(sources), CIFAR10_TEST, work
        )
        write_set(test, out / "cifar10")
        train_sources = cifar10_train_sources(sources, train_per_class)
        train = extract_stimulus_set(
            cifar / "cifar10_train_jpeg.zip", train_sources, CIFAR10_TRAIN_FIT, work
        )
        write_set(train, out / "cifar10")
        (out / "cifar10h").mkdir(parents=True, exist_ok=True)
        assembly = cifar10h_assembly(sources, test)
        write_assembly(assembly, out / "cifar10h" / f"assy_{CIFAR10H_COUNTS}.nc")
    shutil.copyfile(sources / "cifar10h" / "LICENSE.txt", out / "cifar10h" / "LICENSE.txt")
