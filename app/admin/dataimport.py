"""Benchmark data uploads (BrainIO: stimulus CSV + image ZIP + netCDF assembly): format and
checksum checks, then the files are stored flat under their BrainIO names, the names benchmarks
look for: ``data/assy_<assembly>.nc``, ``data/stimulus_<stimulus set>.csv|.zip`` ('.' → '_').
The data area is a BrainIO "remote"; score jobs make the files they need local."""

from __future__ import annotations

import csv
import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from app.submissions.upload import ReceivedFile, ReceivedForm, UploadError
from foundation.config import Settings
from foundation.jobs.payloads import ImportPayload
from foundation.jobs.service import create_job
from foundation.models import Job
from foundation.runs.service import refresh_data_installed
from foundation.storage import InvalidKeyError, Storage, put_file, storage_from_settings
from foundation.storage.keys import DATA_PREFIX, data_key
from scoring.models.inspection import InspectionError, check_user_filename

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
DATA_FILES = {"stimuli": ".csv", "images": ".zip", "assembly": ".nc"}
FileKind = Literal["assembly", "stimulus_csv", "stimulus_zip"]
KINDS: dict[str, FileKind] = {
    "assembly": "assembly",
    "stimuli": "stimulus_csv",
    "images": "stimulus_zip",
}
NETCDF_MAGIC = (b"\x89HDF\r\n\x1a\n", b"CDF\x01", b"CDF\x02")
IMPORT_JOB = ImportPayload.kind
MAX_ZIP_MEMBERS = 200_000


class DataAlreadyStoredError(UploadError):
    status_code = 409


@dataclass(frozen=True)
class DataIdentifiers:
    """The assembly's identifier and its stimulus set's (they differ in BrainIO)."""

    assembly: str
    stimulus_set: str

    def keys(self) -> dict[str, str]:
        """The storage key of each uploaded file (by form field)."""
        from scoring.benchmarks import DataFile

        return {
            field: data_key(DataFile(self._identifier_of(field), kind).filename)
            for field, kind in KINDS.items()
        }

    def _identifier_of(self, field: str) -> str:
        return self.assembly if field == "assembly" else self.stimulus_set


def stored_data_name(field: str, filename: str) -> str:
    """Our own name per field; the user's name only has to be safe and of the right kind."""
    try:
        check_user_filename(filename)
    except InspectionError as error:
        raise UploadError(str(error)) from None
    suffix = DATA_FILES.get(field)
    if suffix is None:
        raise UploadError(f"unexpected file field {field!r}; send stimuli, images and assembly")
    if not filename.lower().endswith(suffix):
        raise UploadError(f"{field}: expected a {suffix} file, got {filename!r}")
    return f"{field}{suffix}"


def check_files(form: ReceivedForm) -> DataIdentifiers:
    """The identifiers, once every file is present, of its format, and matches its checksum."""
    missing = [field for field in DATA_FILES if field not in form.files]
    if missing:
        raise UploadError(f"missing files: {', '.join(missing)}")
    for field, upload in form.files.items():
        _check_sha1(field, upload, form.fields.get(f"{field}_sha1", "").strip().lower())
    _check_netcdf(form.files["assembly"])
    identifiers = _identifiers(form)
    listed = _check_csv(form.files["stimuli"])
    _check_zip(form.files["images"], listed)
    return identifiers


def _identifiers(form: ReceivedForm) -> DataIdentifiers:
    """From the form, else from the assembly's netCDF attributes (BrainIO writes both)."""
    given = {
        name: form.fields.get(name, "").strip()
        for name in ("identifier", "stimulus_set_identifier")
    }
    attributes = {} if all(given.values()) else _assembly_attributes(form.files["assembly"])
    values = {name: value or attributes.get(name, "") for name, value in given.items()}
    for name, value in values.items():
        if not value:
            raise UploadError(f"{name}: required (the assembly's netCDF attributes name none)")
        if not IDENTIFIER.match(value):
            raise UploadError(f"{name}: letters, digits, '.', '_' or '-' (at most 100)")
    return DataIdentifiers(values["identifier"], values["stimulus_set_identifier"])


def _assembly_attributes(upload: ReceivedFile) -> dict[str, str]:
    """Global and data-variable attributes of the netCDF file (the global ones win)."""
    import xarray as xr

    try:
        with xr.open_dataset(upload.path, engine="h5netcdf") as dataset:
            found = {key: value for variable in dataset.data_vars.values()
                     for key, value in variable.attrs.items()}  # fmt: skip
            found.update(dataset.attrs)
    except Exception as error:  # h5py raises many types on a malformed file; all mean the same
        raise UploadError(
            f"assembly: cannot read its attributes ({type(error).__name__}: {error}); "
            "give identifier and stimulus_set_identifier"
        ) from None
    return {key: value.strip() for key, value in found.items() if isinstance(value, str)}


def _check_sha1(field: str, upload: ReceivedFile, expected: str) -> None:
    if not expected:
        return
    digest = hashlib.sha1()  # noqa: S324  (BrainIO publishes SHA1 checksums)
    with upload.path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if not digest.hexdigest().startswith(expected):
        raise UploadError(f"{field}: SHA1 {digest.hexdigest()} does not match {expected}")


def _check_netcdf(upload: ReceivedFile) -> None:
    with upload.path.open("rb") as handle:
        head = handle.read(8)
    if not head.startswith(NETCDF_MAGIC):
        raise UploadError("assembly: not a netCDF file (neither netCDF-4/HDF5 nor classic)")


def _check_csv(upload: ReceivedFile) -> set[str]:
    try:
        with upload.path.open(newline="", encoding="utf-8") as handle:
            rows = csv.DictReader(handle)
            columns = set(rows.fieldnames or ())
            if not {"stimulus_id", "filename"} <= columns:
                raise UploadError("stimuli: the CSV needs 'stimulus_id' and 'filename' columns")
            return {row["filename"] for row in rows}
    except (UnicodeDecodeError, csv.Error) as error:
        raise UploadError(f"stimuli: not a UTF-8 CSV file ({error})") from None


def _check_zip(upload: ReceivedFile, listed: set[str]) -> None:
    try:
        with zipfile.ZipFile(upload.path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
    except zipfile.BadZipFile:
        raise UploadError("images: not a ZIP file") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise UploadError(f"images: more than {MAX_ZIP_MEMBERS} files")
    for member in members:
        try:
            check_user_filename(member.filename)
        except InspectionError as error:
            raise UploadError(f"images: {error}") from None
    missing = listed - {member.filename for member in members}
    if missing:
        raise UploadError(
            f"images: {len(missing)} files of the CSV are not in the ZIP, e.g. {min(missing)!r}"
        )


def install(session: Session, settings: Settings, owner_id: int | None, form: ReceivedForm) -> Job:
    """Check the staged files, store them under their BrainIO names, queue an ``import`` job."""
    identifiers = check_files(form)
    keys = identifiers.keys()
    store_files(storage_from_settings(settings), form, keys)
    payload = ImportPayload(
        identifier=identifiers.assembly,
        stimulus_set_identifier=identifiers.stimulus_set,
        keys=keys,
    )
    return create_job(session, payload, owner_id=owner_id)


def store_files(storage: Storage, form: ReceivedForm, keys: dict[str, str]) -> None:
    """Store every file or none; a key already taken is refused (an import never replaces)."""
    taken = [key for key in keys.values() if storage.exists(key)]
    if taken:
        names = " ".join(key.removeprefix(f"{DATA_PREFIX}/") for key in taken)
        raise DataAlreadyStoredError(
            f"already stored: {', '.join(taken)}; to replace, delete first with "
            f"`ventral data delete {names}`"
        )
    stored: list[str] = []
    try:
        for field, key in keys.items():
            put_file(storage, key, form.files[field].path)
            stored.append(key)
    except BaseException:
        for key in stored:
            storage.delete(key)
        raise


def install_local(
    session: Session,
    settings: Settings,
    files: dict[str, Path],
    identifier: str = "",
    stimulus_set_identifier: str = "",
) -> Job:
    """``ventral data import``: the same checks and storage for files on this machine (read in
    place: they need no staging copy)."""
    form = ReceivedForm(
        fields={"identifier": identifier, "stimulus_set_identifier": stimulus_set_identifier}
    )
    for field, path in files.items():
        stored_data_name(field, path.name)
        form.files[field] = ReceivedFile(field, path.name, path, path.stat().st_size, "")
    return install(session, settings, None, form)


def stored_data(storage: Storage) -> list[tuple[str, int]]:
    """Every imported file: (BrainIO file name, size in bytes)."""
    prefix = f"{DATA_PREFIX}/"
    return [(key.removeprefix(prefix), storage.size(key)) for key in storage.keys(DATA_PREFIX)]


def delete_data(session: Session, storage: Storage, filenames: list[str]) -> list[str]:
    """Delete imported files by BrainIO file name and mark the benchmarks that needed them; the
    names that were not stored."""
    not_stored = []
    for filename in filenames:
        try:
            key = data_key(filename)
            found = "/" not in filename and storage.exists(key)
        except InvalidKeyError:
            found = False
        if found:
            storage.delete(key)
        else:
            not_stored.append(filename)
    refresh_data_installed(session, storage)
    return not_stored
