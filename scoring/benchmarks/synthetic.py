"""Synthetic-V4-pls / Synthetic-IT-pls (spec §8.4): the MajajHong2015 machinery on recordings
with a planted ground truth (see `scoring.synthetic_data`). SYNTHETIC: for pipeline validation,
never part of an aggregate."""

from __future__ import annotations

from typing import Any

from scoring.benchmarks.base import BenchmarkInfo, DataDirs, DataFile, stimulus_files
from scoring.benchmarks.neural import NeuralPredictivityBenchmark
from scoring.benchmarks.references import KRIZHEVSKY2009
from scoring.benchmarks.registry import register_benchmark
from scoring.synthetic_data import (
    ASSEMBLY,
    GENERATOR,
    GENERATOR_LAYERS,
    N_SITES,
    PLANTED_RELIABILITY,
    REPETITIONS,
    STIMULUS_SET,
)

TRIALS = DataFile(ASSEMBLY, "assembly")
STIMULI = stimulus_files(STIMULUS_SET)


def _info(region: str) -> BenchmarkInfo:
    return BenchmarkInfo(
        identifier=f"Synthetic-{region}-pls",
        version=1,
        parent="synthetic",
        metric="neural_predictivity (PLS-25, 10 stratified 90/10 splits, median Pearson r)",
        ceiling_convention="(r/c)^2",
        reference=KRIZHEVSKY2009.url,
        bibtex=KRIZHEVSKY2009.bibtex,
        description=(
            f"SYNTHETIC {region} recordings ({N_SITES[region]} sites × {REPETITIONS} "
            f"repetitions) on 1,000 CIFAR-10 test images, generated from {GENERATOR}."
            f"{GENERATOR_LAYERS[region]} through a fixed random linear map and softplus, with "
            f"trial noise planting a reliability of {PLANTED_RELIABILITY}. Validates the "
            "pipeline; never aggregated."
        ),
        data_files=(TRIALS, *STIMULI),
        synthetic=True,
        n_stimuli=1000,
        n_sites=N_SITES[region],
        parameters={"generator": GENERATOR, "generator_layer": GENERATOR_LAYERS[region]},
    )


def _benchmark(
    info: BenchmarkInfo, data_dir: DataDirs | None, region: str, params: dict[str, Any]
) -> NeuralPredictivityBenchmark:
    csv, zip_file = STIMULI
    params.setdefault("stratify_coord", "image_label")
    return NeuralPredictivityBenchmark(
        info,
        data_dir,
        region=region,
        assembly_file=TRIALS,
        stimulus_csv=csv,
        stimulus_zip=zip_file,
        **params,
    )


@register_benchmark("Synthetic-V4-pls", info=_info("V4"))
def synthetic_v4_pls(
    info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
) -> NeuralPredictivityBenchmark:
    return _benchmark(info, data_dir, "V4", params)


@register_benchmark("Synthetic-IT-pls", info=_info("IT"))
def synthetic_it_pls(
    info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
) -> NeuralPredictivityBenchmark:
    return _benchmark(info, data_dir, "IT", params)
