"""MajajHong2015 subset of 25 images: the real V4/IT recordings (296 sites × 25 HvM images ×
28 repetitions, 70–170 ms) as a BrainIO stimulus set and assembly, with the HvM metadata
(variation, object, pose) joined by image id."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from scoring.data.brainio import load_assembly, write_assembly, write_stimulus_set
from scoring.data.build import register_build
from scoring.data.stimuli import StimulusSet

SOURCE = "majajhong2015-subset25"
METADATA_SOURCE = "brainscore-vision-stimulus-metadata"
STIMULUS_SET = "hvm-subset25"
ASSEMBLY = "dicarlo.MajajHong2015.subset25"
HVM_COLUMNS = {
    "obj": "hvm_object",
    "category": "hvm_category",
    "var": "variation",
    "rxy": "rxy",
    "rxz": "rxz",
    "ryz": "ryz",
    "ty": "ty",
    "tz": "tz",
    "s": "s",
    "bg_id": "background_id",
}
LICENSE = "recordings: none stated (Brain-Score test data); HvM metadata: MIT (Brain-Score)"
CITATION = (
    "Majaj, N. J., Hong, H., Solomon, E. A., DiCarlo, J. J. (2015). Simple learned weighted sums "
    "of inferior temporal neuronal firing rates accurately predict human core object recognition "
    "performance. Journal of Neuroscience 35(39), 13402-13418. doi:10.1523/JNEUROSCI.5181-14.2015"
)
ORIGIN = "https://github.com/brain-score/brainio_contrib/tree/17a6c1da5af46c3dc62a1e2cd9d8d5ad55e70a63/tests"


@register_build("majajhong2015-subset25", sources=(SOURCE, METADATA_SOURCE), version=1)
def build_majajhong2015_subset25(sources: Mapping[str, Path], out: Path) -> None:
    folder = sources[SOURCE]
    stimuli = stimulus_set(folder, sources[METADATA_SOURCE] / "hvm_5760_image_metadata.csv")
    write_stimulus_set(
        stimuli, out / f"stimulus_{STIMULUS_SET}.csv", out / f"stimulus_{STIMULUS_SET}.zip"
    )
    recording = load_assembly(folder / "test_data.nc")
    missing = set(map(str, recording["stimulus_id"].values)) - set(stimuli.stimulus_ids)
    if missing:
        raise ValueError(f"{SOURCE}: recorded images without a file, e.g. {sorted(missing)[0]}")
    recording.attrs = {
        "identifier": ASSEMBLY,
        "stimulus_set_identifier": STIMULUS_SET,
        "license": LICENSE,
        "citation": CITATION,
        "origin": ORIGIN,
        "note": "subset of 25 HvM images (variation 0) of the MajajHong2015 recordings",
    }
    write_assembly(recording, out / f"assy_{ASSEMBLY.replace('.', '_')}.nc")


def stimulus_set(folder: Path, hvm_csv: Path) -> StimulusSet:
    """The 25 images with their own labels and the HvM metadata joined by image id."""
    images = pd.read_csv(folder / "images" / "test_images.csv", dtype={"image_id": str})
    hvm = pd.read_csv(hvm_csv, dtype={"id": str})[["id", *HVM_COLUMNS]].rename(
        columns={"id": "image_id", **HVM_COLUMNS}
    )
    joined = images.merge(hvm, on="image_id", how="left", validate="one_to_one")
    unmatched = joined.loc[joined["variation"].isna(), "image_id"]
    if len(unmatched):
        raise ValueError(f"{len(unmatched)} images are not in the HvM metadata: {list(unmatched)}")
    joined["variation"] = joined["variation"].str.removeprefix("V").astype(int)
    metadata = pd.DataFrame(
        {
            "stimulus_id": joined["image_id"],
            "filename": joined["image_current_relative_file_path"],
            "object_name": joined["object_name"],
            "category_name": joined["category_name"],
            "image_label": joined["category_name"],
            **{column: joined[column] for column in HVM_COLUMNS.values()},
        }
    )
    paths = {
        sid: folder / "images" / name
        for sid, name in zip(metadata["stimulus_id"], metadata["filename"], strict=True)
    }
    return StimulusSet(STIMULUS_SET, metadata, paths)
