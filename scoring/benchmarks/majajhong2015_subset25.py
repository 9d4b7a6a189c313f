"""MajajHong2015-subset25.V4 / .IT: the real MajajHong2015 recordings on a subset of 25 HvM
images (128 V4 and 168 IT sites, 28 repetitions, 70–170 ms).

[decision] Metric: leave-one-image-out PLS with 5 components. With 25 images the published
metric (PLS-25 on 90/10 splits) is degenerate: each split would test on 2–3 images and PLS-25
cannot even be fitted on 22 images (at most 21 components). Instead every image is predicted
by a PLS fit on the other 24 and the 25 held-out predictions are pooled: raw = median over
sites of Pearson r (predicted vs measured across the 25 images), error = std over bootstrap
resamples of the images. 5 components (fixed beforehand, not tuned on any model's score) keep
the fit well below the 23 degrees of freedom of 24 centred images; a fixed small number never
shrinks the predictions towards the training mean, the case where leave-one-out correlations
turn negative by construction. RSA was the alternative; it is left to the RSA benchmarks and
this one keeps the paper's per-site predictivity. No layer selection on these images (with 25
images it would be circular): a model committing no layer to the region gets one chosen on the
other real data sets of the region (``scoring.benchmarks.run.HELD_OUT_SELECTION``), and is not
applicable when none is installed. Ceiling: split-half reliability over the 28
repetitions (10 random halves, Spearman–Brown, median over sites), as the full benchmark;
ceiled = raw / ceiling, so that a negative predictivity stays negative ((r/c)² would square
it into a positive score).
"""

from __future__ import annotations

from typing import Any

import xarray as xr

from scoring.benchmarks.base import (
    BenchmarkInfo,
    BrainModel,
    DataDirs,
    DataFile,
    NotApplicable,
    Progress,
    stimulus_files,
)
from scoring.benchmarks.neural import NeuralPredictivityBenchmark
from scoring.benchmarks.references import MAJAJ2015
from scoring.benchmarks.registry import register_benchmark
from scoring.metrics.neural import Convention, leave_one_image_out_predictivity
from scoring.score import Score

ASSEMBLY = DataFile("dicarlo.MajajHong2015.subset25", "assembly")
STIMULI = stimulus_files("hvm-subset25")
SITES = {"V4": 128, "IT": 168}
N_COMPONENTS = 5


class Subset25Predictivity(NeuralPredictivityBenchmark):
    """Leave-one-image-out PLS predictivity; the rest as the full MajajHong2015 benchmark."""

    selects_layers = False

    def __init__(
        self,
        info: BenchmarkInfo,
        data_dir: DataDirs | None = None,
        *,
        n_components: int = N_COMPONENTS,
        convention: Convention = "a",
        **params: Any,
    ) -> None:
        super().__init__(
            info,
            data_dir,
            assembly_file=ASSEMBLY,
            stimulus_csv=STIMULI[0],
            stimulus_zip=STIMULI[1],
            verify_sha1=False,  # built locally; its manifest pins the source files' sha256
            convention=convention,
            **params,
        )
        self.n_components = n_components

    def score(self, brain_model: BrainModel, progress: Progress) -> Score:
        committed = getattr(brain_model, "region_layers", None)
        if committed is not None and self.region not in committed:
            raise NotApplicable(
                f"{brain_model.identifier} commits no layer to {self.region}; "
                f"{self.identifier} does no layer selection on the 25 images it scores"
            )
        return super().score(brain_model, progress)

    def predictivity(self, source: xr.DataArray, target: xr.DataArray) -> Score:
        return leave_one_image_out_predictivity(source, target, n_components=self.n_components)


def _info(region: str) -> BenchmarkInfo:
    return BenchmarkInfo(
        identifier=f"MajajHong2015-subset25.{region}",
        version=1,
        parent=region,
        metric=(
            f"leave-one-image-out PLS-{N_COMPONENTS} predictivity "
            "(median over sites of Pearson r on the 25 held-out images)"
        ),
        ceiling_convention="r/c",
        reference=MAJAJ2015.url,
        bibtex=MAJAJ2015.bibtex,
        description=(
            f"Subset of 25 images: real MajajHong2015 recordings of {SITES[region]} macaque "
            f"{region} sites (2 monkeys, 28 repetitions, 70–170 ms firing rates) on 25 HvM "
            "images of low variation (V0), predicted from the model's committed "
            f"{region} layer. Each image is predicted by a PLS fit ({N_COMPONENTS} components) "
            "on the other 24; score = median over sites of Pearson r across the 25 "
            "predictions; ceiling = split-half reliability over repetitions (Spearman–Brown). "
            "Not comparable with the full MajajHong2015 benchmark (2,560 images); a model "
            "committing no layer to the region is scored with the layer chosen on the other "
            "real data sets of the region, never on these images. Data: "
            "brain-score/brainio_contrib test data (no license stated; HvM metadata MIT); cite "
            "Majaj, Hong et al. 2015."
        ),
        data_files=(ASSEMBLY, *STIMULI),
        n_stimuli=25,
        n_sites=SITES[region],
        parameters={"n_components": N_COMPONENTS},
    )


@register_benchmark("MajajHong2015-subset25.V4", info=_info("V4"))
def majajhong2015_subset25_v4(
    info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
) -> Subset25Predictivity:
    return Subset25Predictivity(info, data_dir, region="V4", **params)


@register_benchmark("MajajHong2015-subset25.IT", info=_info("IT"))
def majajhong2015_subset25_it(
    info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
) -> Subset25Predictivity:
    return Subset25Predictivity(info, data_dir, region="IT", **params)
