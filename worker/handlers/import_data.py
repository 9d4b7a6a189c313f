"""``import``: load installed BrainIO files once (stimulus set + assembly) to prove they are usable.

The web request already checked formats and checksums and installed the files under
``<storage>/data/<identifier>/``; this job reads them with the science library's BrainIO loader
(zip members extracted with traversal checks), so a broken file fails here with its reason, and
removes the installation again so that nothing half-usable stays.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from scoring.data.brainio import load_assembly, load_stimulus_set
from worker import runtime
from worker.handlers import JobFailedError, JobReporter, register_handler


@register_handler("import")
def import_data(payload: dict[str, Any], report: JobReporter) -> dict[str, Any]:
    identifier = str(payload.get("identifier", ""))
    folder = runtime.settings().storage_dir / str(payload.get("folder", ""))
    if not identifier or not folder.is_dir():
        raise JobFailedError("the data to import are gone; upload them again")
    report.progress(0.1, "reading the stimulus set")
    try:
        summary = _load(folder, identifier)
    except (OSError, ValueError, KeyError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise JobFailedError(f"the data could not be read and were removed: {error}") from None
    report.log(f"{identifier}: {summary['stimuli']} stimuli, assembly {summary['assembly_dims']}")
    return summary


def _load(folder: Path, identifier: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as cache:
        stimuli = load_stimulus_set(
            folder / f"stimulus_{identifier}.csv",
            folder / f"stimulus_{identifier}.zip",
            identifier,
            Path(cache),
        )
        assembly = load_assembly(folder / f"assy_{identifier}.nc")
    return {
        "identifier": identifier,
        "stimuli": len(stimuli.metadata),
        "assembly_dims": dict(zip(assembly.dims, assembly.shape, strict=True)),
    }
