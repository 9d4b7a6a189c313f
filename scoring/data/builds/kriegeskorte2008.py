"""Build the Kriegeskorte et al. 2008 92-image data into BrainIO files.

Source folder ``kriegeskorte2008-92images`` (rsatoolbox demos, MIT). Outputs:
- stimulus set ``kriegeskorte2008.92images``: the 92 images (175 px PNG) with the paper's
  category flags;
- assembly ``kriegeskorte2008.IT-fig1``: the two RDMs of Fig. 1, monkey IT (Kiani et al. 2007,
  one RDM of 674 pooled cells) and the human IT group RDM;
- assembly ``kriegeskorte2008.IT-human``: the human IT fMRI RDMs, 4 subjects × 2 sessions;
- assembly ``kriegeskorte2008.similarity``: 16 subjects' similarity-judgement RDMs (Mur et al.
  2013).
Every RDM assembly has dims ``rdm`` × ``presentation`` × ``presentation_column``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.io
import xarray as xr
from PIL import Image
from scipy.spatial.distance import squareform

from scoring.data.brainio import write_assembly, write_stimulus_set
from scoring.data.build import register_build
from scoring.data.stimuli import StimulusSet

SOURCE = "kriegeskorte2008-92images"
STIMULUS_SET = "kriegeskorte2008.92images"
LICENSE = "MIT (rsatoolbox authors; rsagroup/rsatoolbox@f1f83cad demos/92imageData/)"
CITATION = (
    "Kriegeskorte, Mur, Ruff, Kiani, Bodurka, Esteky, Tanaka, Bandettini (2008). Matching "
    "categorical object representations in inferior temporal cortex of man and monkey. Neuron "
    "60(6):1126-1141; Kiani, Esteky, Mirpour, Tanaka (2007). J Neurophysiol 97:4296-4309; "
    "Mur et al. (2013). Front Psychol 4:128."
)
CATEGORY_FLAGS = ("animate", "inanim", "human", "nonhumani", "body", "face", "natObj", "artiObj")
COLUMN_NAMES = {
    "animate": "animate",
    "inanim": "inanimate",
    "human": "human",
    "nonhumani": "nonhuman",
    "body": "body",
    "face": "face",
    "natObj": "natural_object",
    "artiObj": "artificial_object",
}


def _load(path: Path) -> dict[str, Any]:
    return scipy.io.loadmat(path, squeeze_me=True, struct_as_record=False)


def stimulus_ids() -> list[str]:
    return [f"kriegeskorte92_{index:02d}" for index in range(1, 93)]


def write_stimuli(supplemental: Mapping[str, Any], out: Path, scratch: Path) -> StimulusSet:
    """The 92 images as PNG files in the paper's order, with its category flags."""
    ids = stimulus_ids()
    paths = {}
    for sid, entry in zip(ids, supplemental["stimuli_92objs"], strict=True):
        path = scratch / f"{sid}.png"
        Image.fromarray(np.asarray(entry.image, dtype=np.uint8)).save(path)
        paths[sid] = path
    labels = [str(label) for label in supplemental["categoryLabels"]]
    flags = np.asarray(supplemental["categoryVectors"]).astype(bool)
    metadata = pd.DataFrame({"stimulus_id": ids, "filename": [f"{sid}.png" for sid in ids]})
    metadata["image_index"] = np.arange(1, 93)
    for flag in CATEGORY_FLAGS:
        metadata[COLUMN_NAMES[flag]] = flags[:, labels.index(flag)]
    stimuli = StimulusSet(STIMULUS_SET, metadata, paths)
    stem = STIMULUS_SET.replace(".", "_")
    write_stimulus_set(stimuli, out / f"stimulus_{stem}.csv", out / f"stimulus_{stem}.zip")
    return stimuli


def rdm_assembly(
    matrices: np.ndarray, rdm_coords: Mapping[str, list[Any]], identifier: str, measure: str
) -> xr.DataArray:
    """rdm × presentation × presentation_column with the stimulus ids on both image axes."""
    ids = stimulus_ids()
    coords: dict[str, Any] = {name: ("rdm", values) for name, values in rdm_coords.items()}
    coords["stimulus_id"] = ("presentation", ids)
    coords["column_stimulus_id"] = ("presentation_column", ids)
    attrs = {
        "identifier": identifier,
        "stimulus_set_identifier": STIMULUS_SET,
        "measure": measure,
        "license": LICENSE,
        "citation": CITATION,
    }
    return xr.DataArray(
        np.asarray(matrices, dtype=np.float64),
        dims=("rdm", "presentation", "presentation_column"),
        coords=coords,
        attrs=attrs,
        name=identifier,
    )


def write_rdm_assembly(assembly: xr.DataArray, out: Path) -> None:
    stem = str(assembly.attrs["identifier"]).replace(".", "_")
    write_assembly(assembly, out / f"assy_{stem}.nc")


def figure1_it(supplemental: Mapping[str, Any]) -> xr.DataArray:
    """The two RDMs of Fig. 1: monkey IT (one RDM of 674 pooled cells) and the human IT
    group RDM (316 voxels)."""
    entries = list(supplemental["RDMs_mIT_hIT_fig1"])
    names = [str(entry.name) for entry in entries]
    return rdm_assembly(
        np.stack([squareform(np.asarray(e.RDM, dtype=np.float64)) for e in entries]),
        {
            "species": ["monkey" if name.startswith("mIT") else "human" for name in names],
            "subject": ["Kiani2007-pooled" if n.startswith("mIT") else "group" for n in names],
            "source_name": names,
        },
        "kriegeskorte2008.IT-fig1",
        "1 - Pearson r: monkey IT cells' responses (Kiani et al. 2007) and human IT fMRI patterns",
    )


def human_it(brain: Mapping[str, Any]) -> xr.DataArray:
    rdms = brain["RDMs"]
    subjects, sessions = rdms.shape
    entries = [(s, t, rdms[s, t]) for s in range(subjects) for t in range(sessions)]
    return rdm_assembly(
        np.stack([np.asarray(e.RDM, dtype=np.float64) for _, _, e in entries]),
        {
            "subject": [str(e.name).split("|")[1].strip() for _, _, e in entries],
            "session": [t + 1 for _, t, _ in entries],
            "source_name": [str(e.name) for _, _, e in entries],
        },
        "kriegeskorte2008.IT-human",
        "1 - Pearson r of human IT fMRI response patterns (316 voxels per session)",
    )


def similarity_judgements(behaviour: Mapping[str, Any]) -> xr.DataArray:
    entries = list(behaviour["rdms_behav_92"])
    return rdm_assembly(
        np.stack([np.asarray(e.RDM, dtype=np.float64) for e in entries]),
        {
            "subject": [f"subject{index}" for index in range(1, len(entries) + 1)],
            "session": [1] * len(entries),
            "source_name": [str(e.name) for e in entries],
        },
        "kriegeskorte2008.similarity",
        "dissimilarity from each subject's object arrangement (Mur et al. 2013)",
    )


@register_build("kriegeskorte2008", sources=(SOURCE,), version=1)
def build_kriegeskorte2008(sources: Mapping[str, Path], out: Path) -> None:
    """Write the stimulus set and the three RDM assemblies into ``out``."""
    folder = Path(sources[SOURCE])
    out.mkdir(parents=True, exist_ok=True)
    supplemental = _load(folder / "Kriegeskorte_Neuron2008_supplementalData.mat")
    with tempfile.TemporaryDirectory(prefix="kriegeskorte2008-") as scratch:
        write_stimuli(supplemental, out, Path(scratch))
    write_rdm_assembly(figure1_it(supplemental), out)
    write_rdm_assembly(human_it(_load(folder / "92_brainRDMs.mat")), out)
    write_rdm_assembly(similarity_judgements(_load(folder / "92_behavRDMs.mat")), out)
