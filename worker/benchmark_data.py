"""Where a score job finds its benchmark's BrainIO files: the repository's data folder first,
then this host's built offline data (``ventral data fetch``, ``settings.data_dir``), then the files
administrators imported (stored flat under ``data/<BrainIO file name>``).

With the local backend the imported files already are a folder on this host; with an object
store, the files this benchmark (and its layer-selection benchmark) names are downloaded once
into this host's objects cache, whose ``data/`` folder then mirrors the stored data area.
``scoring`` is imported inside the functions: the score handler imports this module at start,
and listing benchmarks loads the whole science stack.
"""

from __future__ import annotations

from pathlib import Path

from foundation.config import Settings
from foundation.storage import Storage, objects_cache
from foundation.storage.keys import DATA_PREFIX, data_key


def benchmark_data_dirs(
    settings: Settings, storage: Storage, benchmark_id: str
) -> tuple[Path, Path, Path]:
    """The data folders to score ``benchmark_id`` with, searched in this order."""
    from scoring.benchmarks.base import REPO_DATA_DIR

    if storage.local_root is not None:
        return (REPO_DATA_DIR, settings.data_dir, storage.local_root / DATA_PREFIX)
    imported = download_imported_files(settings, storage, benchmark_id)
    return (REPO_DATA_DIR, settings.data_dir, imported)


def download_imported_files(settings: Settings, storage: Storage, benchmark_id: str) -> Path:
    """Copy the stored files the benchmark needs (and the repository lacks) into the objects
    cache; the cache's data folder. Files stored nowhere are left to ``DataNotInstalled``."""
    from scoring.benchmarks.base import REPO_DATA_DIR
    from scoring.benchmarks.run import scoring_data_files

    cache = objects_cache(settings)
    for data_file in scoring_data_files(benchmark_id):
        key = data_key(data_file.filename)
        if data_file.locate(REPO_DATA_DIR) is None and storage.exists(key):
            storage.local_copy(key, cache)
    return cache / DATA_PREFIX
