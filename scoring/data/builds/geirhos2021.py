"""Geirhos et al. 2019/2021: cue-conflict (1,280), edge (160) and silhouette (160) images of 16
ImageNet categories with 10 people's trial-by-trial choices per experiment, as one BrainIO
stimulus set + trial assembly per experiment, and the ImageNet → 16-category index map."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
import xarray as xr

from scoring.data.brainio import write_assembly, write_stimulus_set
from scoring.data.build import register_build
from scoring.data.stimuli import StimulusSet

SOURCE = "geirhos-texture-vs-shape"
EXPERIMENTS = ("cue-conflict", "edge", "silhouette")
INDEX_MAP = "imagenet16_indices.json"
IMAGES_LICENSE = "CC BY 4.0 (rgeirhos/texture-vs-shape DATASET_LICENSE)"
TRIALS_LICENSE = "MIT (bethgelab/model-vs-human)"
CITATION = (
    "Geirhos, R., Rubisch, P., Michaelis, C., Bethge, M., Wichmann, F. A., Brendel, W. (2019). "
    "ImageNet-trained CNNs are biased towards texture; increasing shape bias improves accuracy "
    "and robustness. ICLR. | Geirhos, R., Narayanappa, K., Mitzkus, B., Thieringer, T., "
    "Bethge, M., Wichmann, F. A., Brendel, W. (2021). Partial success in closing the gap "
    "between human and machine vision. NeurIPS 34."
)
ORIGIN = (
    "https://github.com/rgeirhos/texture-vs-shape/tree/ccd0c01d42c0a8a834e90ec141e7f24fa915dc23 "
    "(images); https://github.com/bethgelab/model-vs-human/tree/"
    "79ed7cd1d9ac3a114e71b6638f0a98bdd627316c (raw-data: human trials)"
)


def identifier(experiment: str) -> str:
    """The BrainIO identifier of an experiment's stimulus set and assembly."""
    return f"Geirhos2021.{experiment}"


@register_build("geirhos2021", sources=(SOURCE,), version=1)
def build_geirhos2021(sources: Mapping[str, Path], out: Path) -> None:
    folder = sources[SOURCE]
    for experiment in EXPERIMENTS:
        stimuli = stimulus_set(folder, experiment)
        stem = identifier(experiment).replace(".", "_")
        write_stimulus_set(stimuli, out / f"stimulus_{stem}.csv", out / f"stimulus_{stem}.zip")
        write_assembly(trials(folder, experiment, stimuli), out / f"assy_{stem}.nc")
    shutil.copyfile(folder / INDEX_MAP, out / INDEX_MAP)


def _category(stem: str) -> str:
    """``bear10`` → ``bear``."""
    return re.sub(r"\d+$", "", stem)


def stimulus_set(folder: Path, experiment: str) -> StimulusSet:
    """One row per image: its shape class (folder), and on cue-conflict its texture class."""
    root = folder / "images" / experiment
    # hidden files are the data step's checksum stamps, not images
    files = sorted(p for p in root.glob("*/*") if p.is_file() and not p.name.startswith("."))
    rows = []
    for path in files:
        shape_part, _, texture_part = path.stem.partition("-")
        rows.append(
            {
                "stimulus_id": path.stem,
                "filename": str(PurePosixPath(path.relative_to(root))),
                "experiment": experiment,
                "shape": path.parent.name,
                "texture": _category(texture_part) if texture_part else "",
                "truth": path.parent.name,
                "image_label": path.parent.name,
            }
        )
        if _category(shape_part) != path.parent.name:
            raise ValueError(f"{path}: file name and folder name different categories")
    metadata = pd.DataFrame(rows)
    paths = {row["stimulus_id"]: root / row["filename"] for row in rows}
    return StimulusSet(identifier(experiment), metadata, paths)


def trials(folder: Path, experiment: str, stimuli: StimulusSet) -> xr.DataArray:
    """Every human trial (presentation); the value is the chosen category."""
    files = sorted((folder / "human-trials" / experiment).glob("*.csv"))
    table = pd.concat([pd.read_csv(path) for path in files], ignore_index=True)
    # The image name ends with the stimulus file name: 0001_s5n_s01_0_bird_00_bird3-bird2.png.
    ids = table["imagename"].str.rsplit("_", n=1).str[-1].str.rsplit(".", n=1).str[0]
    unknown = sorted(set(ids) - set(stimuli.stimulus_ids))
    if unknown:
        raise ValueError(f"{experiment}: trials name unknown images, e.g. {unknown[0]}")
    truth = stimuli.metadata.set_index("stimulus_id")["truth"]
    if not np.array_equal(table["category"].to_numpy(), truth.loc[ids].to_numpy()):
        raise ValueError(f"{experiment}: the trials' category differs from the image's class")
    assembly = xr.DataArray(
        table["object_response"].astype(str).to_numpy(),
        dims=("presentation",),
        coords={
            "stimulus_id": ("presentation", ids.to_numpy()),
            "subject": ("presentation", table["subj"].astype(str).to_numpy()),
            "session": ("presentation", table["session"].to_numpy()),
            "trial": ("presentation", table["trial"].to_numpy()),
            "rt": ("presentation", table["rt"].to_numpy(dtype=float)),
            "truth": ("presentation", table["category"].astype(str).to_numpy()),
            "condition": ("presentation", table["condition"].astype(str).to_numpy()),
            "imagename": ("presentation", table["imagename"].astype(str).to_numpy()),
        },
        attrs={
            "identifier": identifier(experiment),
            "stimulus_set_identifier": identifier(experiment),
            "license": f"images: {IMAGES_LICENSE}; trials: {TRIALS_LICENSE}",
            "citation": CITATION,
            "origin": ORIGIN,
        },
    )
    return assembly


def category_indices(path: Path) -> dict[str, list[int]]:
    """The 16 categories and the ImageNet-1k class indices pooled into each."""
    indices = json.loads(Path(path).read_text())
    return {str(name): [int(i) for i in values] for name, values in indices.items()}
