"""The kriegeskorte2008 and coggan2024 data builds: BrainIO files that hold the sources' values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.io
from PIL import Image

from scoring.data.brainio import load_assembly, load_stimulus_set
from tests.data import BuiltData, DataSource


def test_kriegeskorte2008_build(
    built_data: BuiltData, data_source: DataSource, tmp_path: Path
) -> None:
    folder = built_data("kriegeskorte2008")
    stimuli = load_stimulus_set(
        folder / "stimulus_kriegeskorte2008_92images.csv",
        folder / "stimulus_kriegeskorte2008_92images.zip",
        "kriegeskorte2008.92images",
        tmp_path,
    )
    assert len(stimuli) == 92
    # the paper's category sizes: 48 animate (24 human, 24 non-human), 24 faces, 44 inanimate
    counts = stimuli.metadata[["animate", "human", "face", "inanimate"]].sum().tolist()
    assert counts == [48, 24, 24, 44]
    source = data_source("kriegeskorte2008-92images")
    mat = scipy.io.loadmat(
        source / "Kriegeskorte_Neuron2008_supplementalData.mat",
        squeeze_me=True,
        struct_as_record=False,
    )
    first = np.asarray(Image.open(stimuli.path("kriegeskorte92_01")).convert("RGB"))
    np.testing.assert_array_equal(first, mat["stimuli_92objs"][0].image)

    human = load_assembly(folder / "assy_kriegeskorte2008_IT-human.nc")
    assert human.dims == ("rdm", "presentation", "presentation_column")
    assert human.shape == (8, 92, 92)
    assert sorted(set(human["subject"].values.astype(str))) == ["BE", "KO", "SN", "TI"]
    brain = scipy.io.loadmat(source / "92_brainRDMs.mat", squeeze_me=True, struct_as_record=False)
    np.testing.assert_array_equal(human.values[1], brain["RDMs"][0, 1].RDM)
    assert "MIT" in human.attrs["license"] and "Kriegeskorte" in human.attrs["citation"]

    fig1 = load_assembly(folder / "assy_kriegeskorte2008_IT-fig1.nc")
    assert list(fig1["species"].values.astype(str)) == ["monkey", "human"]
    np.testing.assert_array_equal(fig1.values[0], fig1.values[0].T)
    assert load_assembly(folder / "assy_kriegeskorte2008_similarity.nc").shape == (16, 92, 92)


def test_coggan2024_build(built_data: BuiltData, data_source: DataSource) -> None:
    folder = built_data("coggan2024")
    similarities = load_assembly(folder / "assy_coggan2024_fMRI.nc")
    assert similarities.shape == (36, 24, 24)
    with np.load(data_source("coggan2024-fmri") / "rdms.npz") as stored:
        original = stored["rdms"]
    it = np.asarray(similarities["region"].values).astype(str) == "IT"
    np.testing.assert_array_equal(similarities.values[it], original[3])
    ids = list(similarities["stimulus_id"].values.astype(str))
    assert ids[:3] == ["bear_complete", "bear_lower", "bear_upper"]
    assert "MIT" in similarities.attrs["license"]
