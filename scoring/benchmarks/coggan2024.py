"""Coggan & Tong 2024 fMRI: human V1, V2, V4 and IT similarity matrices for 24 images (8
objects × complete / upper-occluded / lower-occluded), compared as Brain-Score's published
``coggan2024_fMRI`` benchmark compares them.

As published: images at 9 degrees; the model's region at 0–250 ms; the model's similarity
matrix after the published unit selection (``coggan_rsm``); Pearson r with each subject's
matrix over every off-diagonal cell (the subjects' matrices are not symmetric: rows and columns
come from different runs); the mean over the 9 subjects; the ceiling is the lower bound of the
noise ceiling (each subject vs the mean of the others) and the ceiled score (r / c)². Added
here: the bootstrap error over images and the upper bound (in the details).
"""

from __future__ import annotations

from typing import Any

from scoring.benchmarks.base import BenchmarkInfo, DataDirs, DataFile, stimulus_files
from scoring.benchmarks.references import Reference
from scoring.benchmarks.registry import register_benchmark
from scoring.benchmarks.rsa import RSABenchmark, RSASpec, coggan_rsm

COGGAN2024 = Reference(
    "https://github.com/brain-score/vision/tree/master/brainscore_vision/benchmarks/coggan2024_fMRI",
    """@article{coggan2024fmri,
  title={Evidence of strong amodal completion in both early and high-level visual cortices},
  author={Coggan, David D. and Tong, Frank},
  year={2024}
}""",
)

STIMULI = stimulus_files("coggan2024.fMRI")
SIMILARITIES = DataFile("coggan2024.fMRI", "assembly")
REGIONS = ("V1", "V2", "V4", "IT")
STIMULUS_DEGREES = 9.0


def spec(region: str) -> RSASpec:
    return RSASpec(
        SIMILARITIES,
        *STIMULI,
        region=region,
        select=(("region", region),),
        comparison="pearson",
        cells="off_diagonal",
        time_bin=(0, 250),
        stimulus_degrees=STIMULUS_DEGREES,
        model_matrix=coggan_rsm,
    )


def info(region: str) -> BenchmarkInfo:
    return BenchmarkInfo(
        identifier=f"Coggan2024.{region}-rsa",
        version=1,
        parent=region,
        metric="RSA as Brain-Score's coggan2024_fMRI: Pearson r between the model's and each "
        "subject's similarity matrix over the off-diagonal cells, mean over 9 subjects",
        ceiling_convention="(r/c)^2",
        reference=COGGAN2024.url,
        bibtex=COGGAN2024.bibtex,
        description=(
            f"Human fMRI in {region} (9 subjects) for 24 images: 8 ImageNet objects shown "
            "complete, upper-occluded and lower-occluded at 9°. Pattern similarities between "
            "images (rows and columns from different runs) against the similarity matrix of the "
            f"model's {region} layer. Ceiling: each subject vs the mean of the others. Data: "
            "brain-score/vision@c019c803 (brainscore_vision/data/coggan2024_fMRI), MIT license; "
            "cite Coggan & Tong 2024."
        ),
        data_files=(SIMILARITIES, *STIMULI),
        n_stimuli=24,
    )


def _factory(region: str) -> Any:
    def factory(
        info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
    ) -> RSABenchmark:
        return RSABenchmark(info, data_dir, spec=spec(region), **params)

    return factory


for _region in REGIONS:
    register_benchmark(f"Coggan2024.{_region}-rsa", info=info(_region))(_factory(_region))
