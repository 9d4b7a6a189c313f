"""Benchmarks: a timm-style registry of the paper suite and the offline suite, the benchmark
tree with its composite presets, and the local scoring entry point."""

from scoring.benchmarks.base import (
    Benchmark,
    BenchmarkInfo,
    DataFile,
    DataNotInstalled,
    NotApplicable,
)
from scoring.benchmarks.registry import (
    benchmark_info,
    list_benchmarks,
    load_benchmark,
    register_benchmark,
)

# Importing the benchmark modules registers them.
from scoring.benchmarks import (  # noqa: F401  isort: skip
    cifar10,
    coggan2024,
    geirhos2021,
    imagenet,
    imagenet_sample,
    kar2019,
    kriegeskorte2008,
    majajhong2015,
    majajhong2015_subset25,
    rajalingham2018,
    synthetic,
    transfer,
)

__all__ = [
    "Benchmark",
    "BenchmarkInfo",
    "DataFile",
    "DataNotInstalled",
    "NotApplicable",
    "benchmark_info",
    "list_benchmarks",
    "load_benchmark",
    "register_benchmark",
]
