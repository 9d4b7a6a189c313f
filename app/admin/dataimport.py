"""Benchmark data uploads (BrainIO: stimulus CSV + image ZIP + netCDF assembly): format and
checksum checks before the files are installed under ``<storage>/data/<identifier>/``."""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import zipfile
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.models import Job
from app.jobs.service import create_job
from app.submissions.upload import ReceivedFile, ReceivedForm, UploadError
from worker.inspection import InspectionError, check_user_filename

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
DATA_FILES = {"stimuli": ".csv", "images": ".zip", "assembly": ".nc"}
NETCDF_MAGIC = (b"\x89HDF\r\n\x1a\n", b"CDF\x01", b"CDF\x02")
IMPORT_JOB = "import"
MAX_ZIP_MEMBERS = 200_000


def data_root(settings: Settings) -> Path:
    return settings.storage_dir / "data"


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


def check_files(form: ReceivedForm) -> str:
    """The identifier, once every file is present, of its format, and matches its checksum."""
    identifier = form.fields.get("identifier", "").strip()
    if not IDENTIFIER.match(identifier):
        raise UploadError("identifier: letters, digits, '.', '_' or '-' (at most 100)")
    missing = [field for field in DATA_FILES if field not in form.files]
    if missing:
        raise UploadError(f"missing files: {', '.join(missing)}")
    for field, upload in form.files.items():
        _check_sha1(field, upload, form.fields.get(f"{field}_sha1", "").strip().lower())
    _check_netcdf(form.files["assembly"])
    listed = _check_csv(form.files["stimuli"])
    _check_zip(form.files["images"], listed)
    return identifier


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


def install(
    session: Session, settings: Settings, owner_id: int | None, form: ReceivedForm, staging: Path
) -> Job:
    """Check the staged files, install them in BrainIO names and queue an ``import`` job."""
    identifier = check_files(form)
    target = data_root(settings) / identifier
    if target.exists():
        raise UploadError(f"data {identifier!r} are already installed; delete them first")
    target.parent.mkdir(parents=True, exist_ok=True)
    names = {"stimuli": f"stimulus_{identifier}.csv", "images": f"stimulus_{identifier}.zip",
             "assembly": f"assy_{identifier}.nc"}  # fmt: skip
    for field, upload in form.files.items():
        upload.path.rename(staging / names[field])
    staging.rename(target)
    payload = {"identifier": identifier, "folder": str(target.relative_to(settings.storage_dir))}
    return create_job(session, IMPORT_JOB, payload, owner_id=owner_id)


def install_local(
    session: Session, settings: Settings, files: dict[str, Path], identifier: str
) -> Job:
    """``ventral data import``: the same checks and installation for files on this machine."""
    staging = settings.storage_dir / "uploads" / ".staging" / f"data-{identifier}"
    staging.mkdir(parents=True, exist_ok=True)
    try:
        form = ReceivedForm(fields={"identifier": identifier})
        for field, path in files.items():
            stored = staging / stored_data_name(field, path.name)
            shutil.copyfile(path, stored)
            form.files[field] = ReceivedFile(field, path.name, stored, stored.stat().st_size, "")
        return install(session, settings, None, form, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
