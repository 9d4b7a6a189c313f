"""BrainIO files: stimulus sets (CSV + ZIP of images) and data assemblies (one netCDF-4 file).

Readers and writers for the format Brain-Score publishes (spec §1), with SHA1 verification.
Older files name the stimulus key ``image_id``; it is read as ``stimulus_id``.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path, PurePosixPath
from typing import Final

import numpy as np
import pandas as pd
import xarray as xr

from scoring.data.stimuli import StimulusSet

ENGINE: Final = "h5netcdf"
LEGACY_STIMULUS_KEY = "image_id"


class ChecksumError(ValueError):
    """A file's SHA1 differs from the one it was published with."""


def sha1_of(path: Path) -> str:
    """Hex SHA1 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha1()  # noqa: S324 - BrainIO publishes SHA1; not used for security
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_sha1(path: Path, expected: str | None) -> None:
    """Raise ChecksumError unless ``path`` hashes to ``expected`` (a prefix is enough)."""
    if expected is None:
        return
    actual = sha1_of(path)
    if not actual.startswith(expected.lower()):
        raise ChecksumError(
            f"{path}: SHA1 {actual} does not match the expected {expected}; "
            "the file is corrupt or a different version"
        )


# --- stimulus sets ---------------------------------------------------------------------------


def read_stimulus_csv(csv_path: Path) -> pd.DataFrame:
    """The CSV's rows with ``stimulus_id`` filled from ``image_id`` in older files."""
    metadata = pd.read_csv(csv_path, dtype={"stimulus_id": str, LEGACY_STIMULUS_KEY: str})
    if "stimulus_id" not in metadata.columns and LEGACY_STIMULUS_KEY in metadata.columns:
        metadata["stimulus_id"] = metadata[LEGACY_STIMULUS_KEY]
    for required in ("stimulus_id", "filename"):
        if required not in metadata.columns:
            raise ValueError(f"{csv_path}: stimulus CSV has no {required!r} column")
    metadata["filename"] = metadata["filename"].astype(str)
    return metadata


def _safe_member_path(target: Path, name: str) -> Path:
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"zip member {name!r} would be written outside {target}")
    path = (target / relative).resolve()
    if not path.is_relative_to(target.resolve()):
        raise ValueError(f"zip member {name!r} would be written outside {target}")
    return path


def safe_extract(zip_path: Path, target: Path) -> list[str]:
    """Extract every file of ``zip_path`` under ``target``, refusing path traversal.

    Returns the member names of the files (directories excluded).
    """
    target.mkdir(parents=True, exist_ok=True)
    names = []
    with zipfile.ZipFile(zip_path) as archive:
        for member in archive.infolist():
            destination = _safe_member_path(target, member.filename)
            if member.is_dir():
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, destination.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            names.append(str(PurePosixPath(member.filename)))
    return names


def _combined_sha1(csv_sha1: str, zip_sha1: str) -> str:
    return hashlib.sha1(f"{csv_sha1}:{zip_sha1}".encode()).hexdigest()  # noqa: S324


def load_stimulus_set(
    csv_path: Path,
    zip_path: Path,
    identifier: str,
    cache_dir: Path,
    *,
    csv_sha1: str | None = None,
    zip_sha1: str | None = None,
) -> StimulusSet:
    """Read a BrainIO stimulus set, unzipping its images into ``cache_dir/identifier``.

    Every CSV ``filename`` must exist after extraction and the extracted files must be exactly
    the CSV's files. ``StimulusSet.sha1`` hashes the two files' SHA1s together.
    """
    verify_sha1(csv_path, csv_sha1)
    verify_sha1(zip_path, zip_sha1)
    metadata = read_stimulus_csv(csv_path)
    if not identifier or Path(identifier).name != identifier or identifier in {".", ".."}:
        raise ValueError(f"stimulus set identifier {identifier!r} must be a plain name")
    directory = Path(cache_dir) / identifier
    if directory.exists():
        shutil.rmtree(directory)
    extracted = set(safe_extract(zip_path, directory))
    listed = {str(PurePosixPath(name)) for name in metadata["filename"]}
    if extracted != listed:
        only_zip, only_csv = sorted(extracted - listed), sorted(listed - extracted)
        raise ValueError(
            f"stimulus set {identifier!r}: zip and CSV disagree "
            f"({len(only_zip)} files only in the zip, e.g. {only_zip[:1]}; "
            f"{len(only_csv)} only in the CSV, e.g. {only_csv[:1]})"
        )
    paths = {
        str(sid): directory / name
        for sid, name in zip(metadata["stimulus_id"], metadata["filename"], strict=True)
    }
    missing = [str(path) for path in paths.values() if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"stimulus set {identifier!r}: missing {missing[0]}")
    sha1 = _combined_sha1(sha1_of(csv_path), sha1_of(zip_path))
    return StimulusSet(identifier=identifier, metadata=metadata, paths=paths, sha1=sha1)


def write_stimulus_set(stimulus_set: StimulusSet, csv_path: Path, zip_path: Path) -> None:
    """Write ``stimulus_set`` as a BrainIO CSV + flat ZIP pair.

    Files are stored under the ``filename`` column when present, else under the image's name.
    """
    metadata = stimulus_set.metadata.copy()
    if "filename" not in metadata.columns:
        metadata["filename"] = [stimulus_set.path(sid).name for sid in stimulus_set.stimulus_ids]
    if metadata["filename"].duplicated().any():
        raise ValueError(f"stimulus set {stimulus_set.identifier!r}: duplicate filenames")
    metadata.to_csv(csv_path, index=False)
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_STORED) as archive:
        for sid, name in zip(stimulus_set.stimulus_ids, metadata["filename"], strict=True):
            archive.write(stimulus_set.path(sid), arcname=str(name))


# --- assemblies ------------------------------------------------------------------------------


def _restore_dimension_names(assembly: xr.DataArray) -> xr.DataArray:
    """Undo writer artefacts: ``image_id`` → ``stimulus_id``; ``choice_`` → ``choice``."""
    for dim in assembly.dims:
        artefact = f"{dim}_"
        if artefact in assembly.coords and assembly.coords[artefact].dims == (dim,):
            values = assembly.coords[artefact].values
            assembly = assembly.drop_vars(artefact).assign_coords({dim: (dim, values)})
    if LEGACY_STIMULUS_KEY in assembly.coords and "stimulus_id" not in assembly.coords:
        assembly = assembly.rename({LEGACY_STIMULUS_KEY: "stimulus_id"})
    return assembly


def _plain_coordinates(assembly: xr.DataArray) -> xr.DataArray:
    """Attach every coordinate to its single dimension as a plain (non-index) coordinate."""
    multi = [dim for dim in assembly.dims if isinstance(assembly.indexes.get(dim), pd.MultiIndex)]
    if multi:
        assembly = assembly.reset_index(multi).drop_vars(multi, errors="ignore")
    coords = {
        str(name): (coord.dims, np.asarray(coord.values))
        for name, coord in assembly.coords.items()
        if len(coord.dims) == 1
    }
    return xr.DataArray(
        np.asarray(assembly.values),
        dims=assembly.dims,
        coords=coords,
        attrs=dict(assembly.attrs),
        name=assembly.name,
    )


def merge_stimulus_metadata(assembly: xr.DataArray, stimulus_set: StimulusSet) -> xr.DataArray:
    """Left-join the stimulus set's columns onto ``presentation`` by ``stimulus_id``.

    Stimulus-set columns overwrite coordinates of the same name; ids the set lacks get NaN.
    """
    metadata = stimulus_set.metadata.astype({"stimulus_id": str}).set_index("stimulus_id")
    ids = pd.Index(np.asarray(assembly["stimulus_id"].values).astype(str))
    rows = metadata.reindex(ids)
    merged = assembly.assign_coords(
        {str(col): ("presentation", rows[col].to_numpy()) for col in rows.columns}
    )
    merged.attrs["stimulus_set"] = stimulus_set
    merged.attrs["stimulus_set_identifier"] = stimulus_set.identifier
    return merged


def load_assembly(
    nc_path: Path, stimulus_set: StimulusSet | None = None, *, sha1: str | None = None
) -> xr.DataArray:
    """Read a BrainIO netCDF-4 assembly into memory with plain per-dimension coordinates.

    Keeps the ``identifier`` and ``stimulus_set_identifier`` attributes and merges the
    stimulus set's metadata into the presentation coordinates when one is given.
    """
    verify_sha1(nc_path, sha1)
    with xr.open_dataarray(nc_path, engine=ENGINE) as stored:
        assembly = stored.load()
    assembly = _plain_coordinates(_restore_dimension_names(assembly))
    if stimulus_set is not None:
        assembly = merge_stimulus_metadata(assembly, stimulus_set)
    return assembly


def _storable(values: np.ndarray) -> np.ndarray:
    return values.astype(str) if values.dtype == object else values


def write_assembly(assembly: xr.DataArray, path: Path) -> str:
    """Write ``assembly`` as a BrainIO netCDF-4 file and return its SHA1.

    MultiIndexes become plain coordinates and only string/number attributes are kept.
    """
    plain = _plain_coordinates(assembly)
    plain = plain.assign_coords(
        {name: (coord.dims, _storable(coord.values)) for name, coord in plain.coords.items()}
    )
    plain.attrs = {
        key: value
        for key, value in assembly.attrs.items()
        if isinstance(value, str | int | float | np.number)
    }
    plain.name = plain.name or "data"
    plain.to_netcdf(path, engine=ENGINE)
    return sha1_of(path)
