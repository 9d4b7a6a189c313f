"""``import``: load stored BrainIO files once (stimulus set + assembly) to prove they are usable,
then mark the benchmarks whose data are now complete.

The web request (or ``ventral data import``) already checked formats and checksums and stored
the files under their BrainIO names (``data/assy_….nc``, ``data/stimulus_….csv|zip``); this job
reads them with the science library's BrainIO loaders (zip members extracted with traversal
checks), so a broken file fails here with its reason, and deletes the stored files again so that
nothing half-usable stays.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from foundation.config import Settings
from foundation.jobs.payloads import ImportPayload
from foundation.runs.service import refresh_data_installed
from foundation.storage import Storage, StorageError, objects_cache
from foundation.storage.keys import data_key
from scoring.data.brainio import load_assembly, load_stimulus_set
from worker import runtime
from worker.handlers import JobFailedError, JobReporter, register_handler
from worker.handlers.score import session

READ_ERRORS = (OSError, ValueError, KeyError, StorageError)


@register_handler("import")
def import_data(payload: ImportPayload, report: JobReporter) -> dict[str, Any]:
    settings, storage = runtime.settings(), runtime.storage()
    keys: dict[str, str] = dict(payload.keys)
    if set(keys) != {"assembly", "stimuli", "images"} or not all(
        map(storage.exists, keys.values())
    ):
        raise JobFailedError("the data to import are gone; upload them again")
    report.progress(0.1, "reading the stimulus set")
    try:
        summary = _load(settings, storage, keys, payload.stimulus_set_identifier)
    except READ_ERRORS as error:
        _forget(settings, storage, keys)
        raise JobFailedError(f"the data could not be read and were removed: {error}") from None
    report.log(
        f"{payload.identifier}: {summary['stimuli']} stimuli, assembly {summary['assembly_dims']}"
    )
    report.progress(0.9, "marking the benchmarks whose data are installed")
    benchmarks = _benchmarks_using(storage, keys)
    report.log(_benchmarks_line(benchmarks))
    return {"identifier": payload.identifier, **summary, **benchmarks}


def _load(
    settings: Settings, storage: Storage, keys: dict[str, str], stimulus_set: str
) -> dict[str, Any]:
    cache = objects_cache(settings)
    paths = {field: storage.local_copy(key, cache) for field, key in keys.items()}
    settings.scratch_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.scratch_dir, prefix="import-") as images:
        stimuli = load_stimulus_set(paths["stimuli"], paths["images"], stimulus_set, Path(images))
        assembly = load_assembly(paths["assembly"])
    _check_stimulus_ids(assembly, set(stimuli.stimulus_ids), stimulus_set)
    return {
        "stimulus_set_identifier": stimulus_set,
        "stimuli": len(stimuli.metadata),
        "assembly_dims": dict(zip(assembly.dims, assembly.shape, strict=True)),
    }


def _check_stimulus_ids(assembly: Any, known: set[str], stimulus_set: str) -> None:
    """Every stimulus the assembly recorded must be in the stimulus set given with it."""
    if "stimulus_id" not in assembly.coords:
        raise ValueError("the assembly has no stimulus_id (or image_id) coordinate")
    unknown = sorted(set(np.asarray(assembly["stimulus_id"].values).astype(str)) - known)
    if unknown:
        raise ValueError(
            f"{len(unknown)} stimulus ids of the assembly are not in stimulus set "
            f"{stimulus_set!r}, e.g. {unknown[0]!r}"
        )


def _forget(settings: Settings, storage: Storage, keys: dict[str, str]) -> None:
    """Delete the stored files and this host's downloaded copies (an object store's)."""
    for key in keys.values():
        storage.delete(key)
        if storage.local_root is None:
            (objects_cache(settings) / key).unlink(missing_ok=True)


def _benchmarks_using(storage: Storage, keys: dict[str, str]) -> dict[str, Any]:
    """Recompute every benchmark's ``data_installed``; which of those that read the imported
    files now have all their data, and what the others still miss."""
    from scoring.benchmarks import benchmark_info

    with session() as db:
        missing = refresh_data_installed(db, storage)
    imported = set(keys.values())
    users = [
        identifier
        for identifier in missing
        if imported & {data_key(f.filename) for f in benchmark_info(identifier).data_files}
    ]
    return {
        "benchmarks_installed": [name for name in users if not missing[name]],
        "benchmarks_incomplete": {name: missing[name] for name in users if missing[name]},
    }


def _benchmarks_line(benchmarks: dict[str, Any]) -> str:
    installed = ", ".join(benchmarks["benchmarks_installed"]) or "none"
    line = f"benchmarks with all their data now: {installed}"
    for name, files in benchmarks["benchmarks_incomplete"].items():
        line += f"; {name} still misses {', '.join(files)}"
    return line
