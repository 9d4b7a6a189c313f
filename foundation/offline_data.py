"""The data step's output, installed like imported data: every BrainIO file a registered
benchmark reads is stored under ``data/<file name>`` in the shared storage, where score jobs on
any host and the catalogue's ``data_installed`` find it (imported files use the same keys)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from foundation.storage import Storage
from foundation.storage.base import put_file
from foundation.storage.keys import data_key


def benchmark_file_names() -> set[str]:
    """The file names every registered benchmark (and its layer selection) may read."""
    from scoring.benchmarks import list_benchmarks
    from scoring.benchmarks.run import scoring_data_files

    return {f.filename for name in list_benchmarks() for f in scoring_data_files(name)}


def install_built_data(storage: Storage, folders: Iterable[Path]) -> list[str]:
    """Store the benchmark files found in ``folders`` whose stored copy is missing or of
    another size; the keys written."""
    wanted = benchmark_file_names()
    written = []
    for folder in folders:
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            key = data_key(path.name)
            if path.name in wanted and not _stored_same(storage, key, path):
                put_file(storage, key, path)
                written.append(key)
    return written


def _stored_same(storage: Storage, key: str, path: Path) -> bool:
    return storage.exists(key) and storage.size(key) == path.stat().st_size
