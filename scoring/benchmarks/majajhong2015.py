"""MajajHong2015 V4/IT PLS benchmarks (private = variation 6, 2,560 images) and the public
variants (variations 0+3, 3,200 images) used for layer selection (spec §1.3, §2.4, §3.1)."""

from __future__ import annotations

from typing import Any

from scoring.benchmarks.base import BenchmarkInfo, DataDirs, DataFile, stimulus_files
from scoring.benchmarks.neural import NeuralPredictivityBenchmark
from scoring.benchmarks.references import MAJAJ2015
from scoring.benchmarks.registry import register_benchmark

PRIVATE_ASSEMBLY = DataFile("dicarlo.MajajHong2015.private", "assembly", "7a40d161")
PRIVATE_STIMULI = stimulus_files("hvm-private", "6ff49817", "d7b1ca18")
PUBLIC_ASSEMBLY = DataFile("dicarlo.MajajHong2015.public", "assembly", "13d28ca0")
PUBLIC_STIMULI = stimulus_files("hvm-public", "5ca7a3da", "8aa44e03")
SITES = {"V4": 88, "IT": 168}
PUBLISHED_CEILINGS = {"V4": 0.8950, "IT": 0.8218}


def _info(region: str, public: bool) -> BenchmarkInfo:
    name = "MajajHong2015public" if public else "MajajHong2015"
    assembly, stimuli = (
        (PUBLIC_ASSEMBLY, PUBLIC_STIMULI) if public else (PRIVATE_ASSEMBLY, PRIVATE_STIMULI)
    )
    images = (
        "3,200 public HvM images (variations 0 and 3)"
        if public
        else ("2,560 held-out HvM images (variation 6)")
    )
    return BenchmarkInfo(
        identifier=f"{name}.{region}-pls",
        version=4 if not public else 1,
        parent=region,
        metric="neural_predictivity (PLS-25, 10 stratified 90/10 splits, median Pearson r)",
        ceiling_convention="(r/c)^2",
        reference=MAJAJ2015.url,
        bibtex=MAJAJ2015.bibtex,
        description=(
            f"Predictivity of {SITES[region]} macaque {region} sites (70–170 ms firing rates) on "
            f"{images} from the model's committed {region} layer."
            + (" For development and layer selection." if public else "")
        ),
        data_files=(assembly, *stimuli),
        n_stimuli=3200 if public else 2560,
        n_sites=SITES[region],
        published_ceiling=None if public else PUBLISHED_CEILINGS[region],
    )


def _benchmark(
    info: BenchmarkInfo,
    data_dir: DataDirs | None,
    region: str,
    public: bool,
    params: dict[str, Any],
) -> NeuralPredictivityBenchmark:
    assembly, (csv, zip_file) = (
        (PUBLIC_ASSEMBLY, PUBLIC_STIMULI) if public else (PRIVATE_ASSEMBLY, PRIVATE_STIMULI)
    )
    return NeuralPredictivityBenchmark(
        info,
        data_dir,
        region=region,
        assembly_file=assembly,
        stimulus_csv=csv,
        stimulus_zip=zip_file,
        **params,
    )


@register_benchmark("MajajHong2015.V4-pls", info=_info("V4", public=False))
def majajhong2015_v4_pls(
    info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
) -> NeuralPredictivityBenchmark:
    return _benchmark(info, data_dir, "V4", False, params)


@register_benchmark("MajajHong2015.IT-pls", info=_info("IT", public=False))
def majajhong2015_it_pls(
    info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
) -> NeuralPredictivityBenchmark:
    return _benchmark(info, data_dir, "IT", False, params)


@register_benchmark("MajajHong2015public.V4-pls", info=_info("V4", public=True))
def majajhong2015public_v4_pls(
    info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
) -> NeuralPredictivityBenchmark:
    return _benchmark(info, data_dir, "V4", True, params)


@register_benchmark("MajajHong2015public.IT-pls", info=_info("IT", public=True))
def majajhong2015public_it_pls(
    info: BenchmarkInfo, data_dir: DataDirs | None = None, **params: Any
) -> NeuralPredictivityBenchmark:
    return _benchmark(info, data_dir, "IT", True, params)
