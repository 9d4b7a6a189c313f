"""Where the benches find the CIFAR-10 source files (``test_order.csv``, the JPEG zips).

The folder ``ventral data fetch`` fills (``settings.training_data_dir``), else ``cifar10/`` of
the data mirror (``VENTRAL_DATA_MIRROR``) when it is a folder.
"""

from __future__ import annotations

from pathlib import Path

from foundation.config import get_settings


def cifar10_folder() -> Path:
    settings = get_settings()
    candidates = [settings.training_data_dir]
    if settings.data_mirror and "://" not in settings.data_mirror:
        candidates.append(Path(settings.data_mirror) / "cifar10")
    for folder in candidates:
        if (folder / "test_order.csv").is_file():
            return folder
    raise SystemExit(
        f"CIFAR-10 sources not found in {[str(c) for c in candidates]}: run `ventral data fetch`"
        " or set VENTRAL_DATA_MIRROR to a folder holding cifar10/"
    )
