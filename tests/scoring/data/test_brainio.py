from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from scoring.data.brainio import (
    ChecksumError,
    load_assembly,
    load_stimulus_set,
    sha1_of,
    verify_sha1,
    write_assembly,
    write_stimulus_set,
)
from scoring.data.stimuli import StimulusSet
from tests.data import DataSource


def _images(tmp_path: Path, count: int) -> dict[str, Path]:
    folder = tmp_path / "images"
    folder.mkdir()
    paths = {}
    for index in range(count):
        path = folder / f"img{index}.png"
        path.write_bytes(f"fake image {index}".encode())
        paths[f"id{index}"] = path
    return paths


def _stimulus_set(tmp_path: Path, count: int = 4) -> StimulusSet:
    paths = _images(tmp_path, count)
    metadata = pd.DataFrame({"stimulus_id": list(paths), "object_name": ["a", "b"] * (count // 2)})
    return StimulusSet("test-set", metadata, paths)


def _write_pair(tmp_path: Path, stimuli: StimulusSet) -> tuple[Path, Path]:
    csv_path, zip_path = tmp_path / "stimuli.csv", tmp_path / "stimuli.zip"
    write_stimulus_set(stimuli, csv_path, zip_path)
    return csv_path, zip_path


def test_stimulus_set_round_trip(tmp_path: Path) -> None:
    stimuli = _stimulus_set(tmp_path)
    csv_path, zip_path = _write_pair(tmp_path, stimuli)
    loaded = load_stimulus_set(csv_path, zip_path, "test-set", tmp_path / "cache")
    assert loaded.stimulus_ids == stimuli.stimulus_ids
    assert list(loaded.metadata["object_name"]) == ["a", "b", "a", "b"]
    for sid in stimuli.stimulus_ids:
        assert loaded.path(sid).read_bytes() == stimuli.path(sid).read_bytes()
        assert loaded.path(sid).is_relative_to(tmp_path / "cache" / "test-set")
    assert loaded.sha1 is not None and len(loaded.sha1) == 40


def test_image_id_is_read_as_stimulus_id(tmp_path: Path) -> None:
    csv_path, zip_path = _write_pair(tmp_path, _stimulus_set(tmp_path))
    legacy = pd.read_csv(csv_path).rename(columns={"stimulus_id": "image_id"})
    legacy.to_csv(csv_path, index=False)
    loaded = load_stimulus_set(csv_path, zip_path, "legacy", tmp_path / "cache")
    assert loaded.stimulus_ids == ["id0", "id1", "id2", "id3"]


def test_zip_with_extra_file_is_refused(tmp_path: Path) -> None:
    csv_path, zip_path = _write_pair(tmp_path, _stimulus_set(tmp_path))
    with zipfile.ZipFile(zip_path, "a") as archive:
        archive.writestr("stray.png", b"not listed")
    with pytest.raises(ValueError, match="disagree"):
        load_stimulus_set(csv_path, zip_path, "extra", tmp_path / "cache")


def test_zip_path_traversal_is_refused(tmp_path: Path) -> None:
    csv_path, zip_path = _write_pair(tmp_path, _stimulus_set(tmp_path))
    with zipfile.ZipFile(zip_path, "a") as archive:
        archive.writestr("../escaped.png", b"evil")
    with pytest.raises(ValueError, match="outside"):
        load_stimulus_set(csv_path, zip_path, "evil", tmp_path / "cache")
    assert not (tmp_path / "cache" / "escaped.png").exists()


def test_identifier_cannot_escape_the_cache(tmp_path: Path) -> None:
    csv_path, zip_path = _write_pair(tmp_path, _stimulus_set(tmp_path))
    with pytest.raises(ValueError, match="plain name"):
        load_stimulus_set(csv_path, zip_path, "../images", tmp_path / "cache")
    assert (tmp_path / "images").is_dir()


def test_checksum_mismatch_has_clear_error(tmp_path: Path) -> None:
    csv_path, zip_path = _write_pair(tmp_path, _stimulus_set(tmp_path))
    verify_sha1(zip_path, sha1_of(zip_path)[:8])
    with pytest.raises(ChecksumError, match="does not match"):
        load_stimulus_set(csv_path, zip_path, "bad", tmp_path / "cache", zip_sha1="0" * 40)


def _assembly() -> xr.DataArray:
    rng = np.random.default_rng(0)
    return xr.DataArray(
        rng.normal(size=(6, 3, 1)),
        dims=("presentation", "neuroid", "time_bin"),
        coords={
            "stimulus_id": ("presentation", ["id0", "id1", "id2", "id3", "id0", "id1"]),
            "repetition": ("presentation", [0, 0, 0, 0, 1, 1]),
            "object_name": ("presentation", ["stale"] * 6),
            "neuroid_id": ("neuroid", ["n0", "n1", "n2"]),
            "region": ("neuroid", ["IT", "IT", "V4"]),
            "time_bin_start": ("time_bin", [70]),
            "time_bin_end": ("time_bin", [170]),
        },
        attrs={"identifier": "test.assembly", "stimulus_set_identifier": "test-set"},
    )


def test_assembly_round_trip_merges_stimulus_metadata(tmp_path: Path) -> None:
    stimuli = _stimulus_set(tmp_path)
    original = _assembly()
    sha1 = write_assembly(original, tmp_path / "assy.nc")
    loaded = load_assembly(tmp_path / "assy.nc", stimuli, sha1=sha1)
    np.testing.assert_array_equal(loaded.values, original.values)
    assert loaded.dims == original.dims
    assert list(loaded["object_name"].values) == ["a", "b", "a", "b", "a", "b"]
    assert list(loaded["region"].values) == ["IT", "IT", "V4"]
    assert list(loaded["repetition"].values) == [0, 0, 0, 0, 1, 1]
    assert loaded.attrs["identifier"] == "test.assembly"
    assert loaded.attrs["stimulus_set"] is stimuli


def test_multiindex_assembly_is_written_plain(tmp_path: Path) -> None:
    indexed = _assembly().set_index(presentation=["stimulus_id", "repetition"])
    write_assembly(indexed, tmp_path / "assy.nc")
    loaded = load_assembly(tmp_path / "assy.nc")
    assert list(loaded["stimulus_id"].values)[:2] == ["id0", "id1"]
    assert "presentation" not in loaded.indexes


def test_released_probability_file_loads(data_source: DataSource) -> None:
    folder = data_source("brainscore-vision-stimulus-metadata")
    probabilities = load_assembly(folder / "objectome240_alexnet-probabilities.nc")
    assert probabilities.dims == ("presentation", "choice")
    assert probabilities.shape == (240, 24)
    assert len(set(probabilities["stimulus_id"].values)) == 240
    assert len(set(probabilities["choice"].values)) == 24
    np.testing.assert_allclose(probabilities.sum("choice"), 1, atol=1e-4)
