"""Rajalingham2018-i2n and ImageNet-top1 on SYNTHETIC files written in the exact BrainIO layout
(the human objectome trials and ImageNet images cannot be shipped)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from scoring.benchmarks import load_benchmark
from scoring.data.brainio import write_assembly, write_stimulus_set
from scoring.data.stimuli import StimulusSet

OBJECTS = [f"object{k:02d}" for k in range(24)]
IMAGES_PER_OBJECT = 10
TRIALS_PER_PAIR = 12


class ProbabilityModel:
    """Answers the probabilities task with a fixed matrix (rows = the 240 test ids)."""

    identifier = "probability-stand-in"

    def __init__(self, ids: list[str], probabilities: np.ndarray) -> None:
        self.rows = dict(zip(ids, probabilities, strict=True))
        self.fitting: StimulusSet | None = None

    def visual_degrees(self) -> float:
        return 8.0

    def start_task(self, task: str, fitting_stimuli: object = None) -> None:
        assert task == "probabilities" and isinstance(fitting_stimuli, StimulusSet)
        self.fitting = fitting_stimuli

    def start_recording(self, region: str, time_bins: object = None) -> None:
        raise NotImplementedError

    def look_at(self, stimuli: StimulusSet, number_of_trials: int = 1) -> xr.DataArray:
        ids = stimuli.stimulus_ids
        return xr.DataArray(
            np.stack([self.rows[sid] for sid in ids]),
            dims=("presentation", "choice"),
            coords={"stimulus_id": ("presentation", ids), "choice": OBJECTS},
        )


def _stimulus_set(identifier: str, labels: list[str], folder: Path, write_images) -> StimulusSet:
    ids = [f"{identifier.replace('.', '')}{i:04d}" for i in range(len(labels))]
    meta = pd.DataFrame(
        {"stimulus_id": ids, "filename": [f"{sid}.png" for sid in ids], "image_label": labels}
    )
    return StimulusSet(identifier, meta, write_images(meta, folder / identifier))


def _human_trials(test: StimulusSet, probabilities: np.ndarray, seed: int = 3) -> xr.DataArray:
    """SYNTHETIC trials: on image i (truth a) vs distractor b, choose b w.p. P_ib/(P_ib+P_ia)."""
    rng = np.random.RandomState(seed)
    rows = []
    for i, (sid, truth) in enumerate(
        zip(test.stimulus_ids, test.metadata["image_label"], strict=True)
    ):
        a = OBJECTS.index(truth)
        for b, distractor in enumerate(OBJECTS):
            if b == a:
                continue
            p_b = probabilities[i, b] / (probabilities[i, b] + probabilities[i, a])
            for choice in rng.rand(TRIALS_PER_PAIR) < p_b:
                rows.append((sid, truth, distractor, distractor if choice else truth))
    sid, sample, dist, chosen = map(np.array, zip(*rows, strict=True))
    return xr.DataArray(
        chosen,
        dims=("presentation",),
        coords={
            "stimulus_id": ("presentation", sid),
            "sample_obj": ("presentation", sample),
            "dist_obj": ("presentation", dist),
            "truth": ("presentation", sample),
        },
        attrs={"identifier": "dicarlo.Rajalingham2018.private"},
    )


@pytest.fixture(scope="module")
def objectome_like(
    tmp_path_factory: pytest.TempPathFactory, write_images
) -> tuple[Path, list[str], np.ndarray]:
    folder = tmp_path_factory.mktemp("objectome-like")
    labels = [name for name in OBJECTS for _ in range(IMAGES_PER_OBJECT)]
    test = _stimulus_set("objectome.private", labels, folder, write_images)
    public = _stimulus_set("objectome.public", OBJECTS * 2, folder, write_images)
    for stimuli in (test, public):
        stem = folder / f"stimulus_{stimuli.identifier.replace('.', '_')}"
        write_stimulus_set(stimuli, stem.with_suffix(".csv"), stem.with_suffix(".zip"))
    rng = np.random.RandomState(0)
    logits = rng.randn(len(labels), len(OBJECTS))
    logits[np.arange(len(labels)), [OBJECTS.index(x) for x in labels]] += 2.5
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    write_assembly(
        _human_trials(test, probabilities), folder / "assy_dicarlo_Rajalingham2018_private.nc"
    )
    return folder, test.stimulus_ids, probabilities


def test_the_generating_probabilities_score_far_above_noise(objectome_like) -> None:
    folder, ids, probabilities = objectome_like
    benchmark = load_benchmark("Rajalingham2018-i2n", data_dir=folder, verify_sha1=False)
    model = ProbabilityModel(ids, probabilities)
    score = benchmark(model)
    assert model.fitting is not None and len(model.fitting) == 48
    assert 0.2 < score.ceiling < 0.95
    assert score.raw > 0.8 * np.sqrt(score.ceiling)
    noise = np.random.RandomState(1).dirichlet(np.ones(24), size=len(ids))
    assert abs(benchmark(ProbabilityModel(ids, noise)).raw) < 0.1


def test_imagenet_top1_reads_the_synset_column(
    tmp_path: Path, write_images, stand_in: type
) -> None:
    synsets = ["n01440764", "n01443537"] * 5
    meta = pd.DataFrame(
        {
            "stimulus_id": [f"val{i}" for i in range(10)],
            "filename": [f"val{i}.png" for i in range(10)],
            "synset": synsets,
        }
    )
    stimuli = StimulusSet("fei-fei.Deng2009.val", meta, write_images(meta, tmp_path / "images"))
    stem = tmp_path / "stimulus_fei-fei_Deng2009_val"
    write_stimulus_set(stimuli, stem.with_suffix(".csv"), stem.with_suffix(".zip"))
    answers = dict(zip(meta["stimulus_id"], ["n01440764"] * 10, strict=True))
    score = load_benchmark("ImageNet-top1", data_dir=tmp_path)(stand_in(labels=answers))
    assert score.raw == pytest.approx(0.5)
    # the error is the standard error of the mean over images (bootstrap), not their spread
    assert score.error == pytest.approx((0.5 * 0.5 / 10) ** 0.5, rel=0.1)
