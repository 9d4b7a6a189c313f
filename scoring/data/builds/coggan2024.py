"""Build Coggan & Tong 2024's fMRI similarity matrices into BrainIO files.

Source folder ``coggan2024-fmri`` (brain-score/vision@c019c803, MIT). Outputs:
- stimulus set ``coggan2024.fMRI``: 24 images, 8 objects × complete / upper / lower occlusion;
- assembly ``coggan2024.fMRI``: ``rdm`` (region × subject: V1, V2, V4, IT × 9 subjects) ×
  ``presentation`` × ``presentation_column`` pattern correlations. Rows and columns come from
  different runs, so the matrices are not symmetric and their diagonal is informative.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from scoring.data.brainio import write_assembly, write_stimulus_set
from scoring.data.build import register_build
from scoring.data.stimuli import StimulusSet

SOURCE = "coggan2024-fmri"
IDENTIFIER = "coggan2024.fMRI"
LICENSE = "MIT (Brain-Score; brain-score/vision@c019c803 brainscore_vision/data/coggan2024_fMRI/)"
CITATION = (
    "Coggan, D. D. and Tong, F. (2024). Evidence of strong amodal completion in both early and "
    "high-level visual cortices."
)
# The ImageNet class of each object (from the source's data_packaging.py).
IMAGENET_CLASSES = {
    "bear": (294, "n02132136"),
    "bison": (347, "n02410509"),
    "elephant": (386, "n02504458"),
    "hare": (331, "n02326432"),
    "jeep": (609, "n03594945"),
    "lamp": (846, "n04380533"),
    "sportsCar": (817, "n04285008"),
    "teapot": (849, "n04398044"),
}


def stimulus_set(folder: Path) -> StimulusSet:
    """The 24 images in sorted file-name order: the order of the matrices' rows."""
    files = sorted((folder / "stimuli").glob("*.png"))
    ids = [path.stem for path in files]
    objects = [sid.split("_")[0] for sid in ids]
    metadata = pd.DataFrame(
        {
            "stimulus_id": ids,
            "filename": [path.name for path in files],
            "object_name": objects,
            "occlusion_condition": [sid.split("_")[1] for sid in ids],
            "imagenet_class_index_1K": [IMAGENET_CLASSES[o][0] for o in objects],
            "imagenet_synset": [IMAGENET_CLASSES[o][1] for o in objects],
        }
    )
    return StimulusSet(IDENTIFIER, metadata, dict(zip(ids, files, strict=True)))


def similarity_assembly(folder: Path, stimuli: StimulusSet) -> xr.DataArray:
    with np.load(folder / "rdms.npz", allow_pickle=False) as stored:
        matrices, regions, subjects = stored["rdms"], stored["regions"], stored["subjects"]
    n_regions, n_subjects = matrices.shape[:2]
    ids = stimuli.stimulus_ids
    return xr.DataArray(
        np.asarray(matrices, dtype=np.float64).reshape(n_regions * n_subjects, len(ids), len(ids)),
        dims=("rdm", "presentation", "presentation_column"),
        coords={
            "region": ("rdm", np.repeat(regions.astype(str), n_subjects)),
            "subject": ("rdm", np.tile(subjects.astype(str), n_regions)),
            "stimulus_id": ("presentation", ids),
            "column_stimulus_id": ("presentation_column", ids),
        },
        attrs={
            "identifier": IDENTIFIER,
            "stimulus_set_identifier": IDENTIFIER,
            "measure": "Pearson r between fMRI response patterns (similarity; rows and columns "
            "from different runs)",
            "license": LICENSE,
            "citation": CITATION,
        },
        name=IDENTIFIER,
    )


@register_build("coggan2024", sources=(SOURCE,), version=1)
def build_coggan2024(sources: Mapping[str, Path], out: Path) -> None:
    """Write the stimulus set and the similarity assembly into ``out``."""
    folder = Path(sources[SOURCE])
    out.mkdir(parents=True, exist_ok=True)
    stimuli = stimulus_set(folder)
    stem = IDENTIFIER.replace(".", "_")
    write_stimulus_set(stimuli, out / f"stimulus_{stem}.csv", out / f"stimulus_{stem}.zip")
    write_assembly(similarity_assembly(folder, stimuli), out / f"assy_{stem}.nc")
