"""Facts of the Geirhos and MajajHong2015-subset25 data, computed by the benchmarks' own code
on the built data (docs/benchmarks.md quotes them):

    VENTRAL_DATA_MIRROR=/path/to/mirror PYTHONPATH=. python scripts/geirhos_majajhong_facts.py

The humans' shape bias on cue-conflict, their error consistency with each other on
cue-conflict, edge and silhouette, and the split-half ceilings of the 25-image recordings.
"""

from __future__ import annotations

from pathlib import Path

from foundation.config import get_settings
from scoring.benchmarks import load_benchmark
from scoring.benchmarks.geirhos2021 import (
    EXPERIMENTS,
    Geirhos2021Benchmark,
    human_ceiling,
    human_shape_biases,
)
from scoring.benchmarks.majajhong2015_subset25 import Subset25Predictivity
from scoring.data.build import ensure_built


def main() -> None:
    settings = get_settings()
    built = ensure_built(
        ["geirhos2021", "majajhong2015-subset25"],
        data_dir=settings.data_dir,
        cache_dir=settings.data_cache_dir,
        mirror=settings.data_mirror or None,
    )
    shape_bias_facts(built["geirhos2021"])
    error_consistency_facts(built["geirhos2021"])
    ceiling_facts(built["majajhong2015-subset25"])


def geirhos(name: str, folder: Path) -> Geirhos2021Benchmark:
    benchmark = load_benchmark(name, data_dir=folder)
    assert isinstance(benchmark, Geirhos2021Benchmark)
    return benchmark


def shape_bias_facts(folder: Path) -> None:
    stimuli, humans = geirhos("Geirhos2021.cue-conflict-shape-bias", folder).load()
    biases = human_shape_biases(stimuli, humans)
    ceiling = human_ceiling("shape-bias", stimuli, humans)
    print(
        f"humans' shape bias on cue-conflict: mean {biases.mean():.4f} "
        f"(range {biases.min():.3f}–{biases.max():.3f}, n = {len(biases)}); "
        f"shape-bias ceiling {ceiling.raw:.4f} ± {ceiling.error:.4f}"
    )


def error_consistency_facts(folder: Path) -> None:
    for experiment in EXPERIMENTS:
        stimuli, humans = geirhos(f"Geirhos2021.{experiment}-error-consistency", folder).load()
        pairs = human_ceiling("error-consistency", stimuli, humans)
        print(
            f"{experiment}: human–human error consistency κ = {pairs.raw:.4f} ± "
            f"{pairs.error:.4f} (45 pairs); human accuracy {humans.correct.mean():.4f}"
        )


def ceiling_facts(folder: Path) -> None:
    for region in ("V4", "IT"):
        neural = load_benchmark(f"MajajHong2015-subset25.{region}", data_dir=folder)
        assert isinstance(neural, Subset25Predictivity)
        split_half = neural.ceiling()
        sites = neural.trials()[1].sizes["neuroid"]
        print(
            f"MajajHong2015-subset25.{region}: split-half ceiling {split_half.raw:.4f} ± "
            f"{split_half.error:.4f} ({sites} sites, 28 repetitions)"
        )


if __name__ == "__main__":
    main()
