"""Checks of names a user chose (upload file names, archive members) before they touch the disk."""

from __future__ import annotations

import re
from pathlib import PurePosixPath, PureWindowsPath

from scoring.models.inspection.errors import UnsafeFileNameError

MAX_NAME_LENGTH = 255
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def check_user_filename(name: str) -> str:
    """Return ``name`` if it is a plain relative name; refuse traversal, absolute paths and NULs."""
    if not name or len(name) > MAX_NAME_LENGTH:
        raise UnsafeFileNameError(f"file name must have 1 to {MAX_NAME_LENGTH} characters")
    if _CONTROL_CHARACTERS.search(name):
        raise UnsafeFileNameError(f"file name {name!r} contains a NUL or control character")
    if _is_absolute(name):
        raise UnsafeFileNameError(f"file name {name!r} is an absolute path; give a plain name")
    if ".." in re.split(r"[\\/]", name):
        raise UnsafeFileNameError(f"file name {name!r} tries to leave its folder ('..')")
    return name


def safe_basename(name: str) -> str:
    """The last component of a checked user file name, for storing under our own folder."""
    checked = check_user_filename(name)
    return re.split(r"[\\/]", checked)[-1] or "upload"


def _is_absolute(name: str) -> bool:
    return (
        PurePosixPath(name).is_absolute()
        or PureWindowsPath(name).is_absolute()
        or (PureWindowsPath(name).drive != "" or name.startswith(("\\", "/")))
    )
