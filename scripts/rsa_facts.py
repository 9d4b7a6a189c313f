"""Facts of the RSA data, recomputed from the built BrainIO files (docs/benchmarks.md).

    python scripts/rsa_facts.py DATA_DIR [DATA_DIR ...]

DATA_DIR: folders holding the outputs of the kriegeskorte2008 and coggan2024 data builds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr, spearmanr

from scoring.benchmarks import load_benchmark
from scoring.benchmarks.base import DataFile
from scoring.benchmarks.rsa import RSABenchmark
from scoring.data.brainio import load_assembly
from scoring.metrics.rsa import noise_ceiling, vectorize


def figure1_correlation(folders: list[Path]) -> dict[str, float]:
    """Monkey IT vs human IT: the two RDMs of Kriegeskorte et al. 2008 Fig. 1."""
    path = DataFile("kriegeskorte2008.IT-fig1", "assembly").locate(folders)
    assert path is not None, "kriegeskorte2008 not built"
    fig1 = load_assembly(path)
    species = list(np.asarray(fig1["species"].values).astype(str))
    monkey = vectorize(fig1.values[species.index("monkey")])
    human = vectorize(fig1.values[species.index("human")])
    return {
        "pearson": float(pearsonr(monkey, human).statistic),
        "spearman": float(spearmanr(monkey, human).statistic),
        "n_cells": int(monkey.size),
    }


def ceilings(folders: list[Path]) -> dict[str, dict[str, float]]:
    """Nili et al. 2014 bounds of every benchmark with subjects, as the benchmarks compute them."""
    identifiers = [
        "Kriegeskorte2008.IT-human-rsa",
        "Kriegeskorte2008.similarity-rsa",
        *(f"Coggan2024.{region}-rsa" for region in ("V1", "V2", "V4", "IT")),
    ]
    results = {}
    for identifier in identifiers:
        benchmark = load_benchmark(identifier, data_dir=folders)
        assert isinstance(benchmark, RSABenchmark)
        _, subjects = benchmark.subject_matrices()
        bounds = noise_ceiling(subjects, benchmark.spec.comparison, benchmark.spec.cells)
        results[identifier] = {
            "n_subjects": len(subjects),
            "lower": bounds.lower,
            "upper": bounds.upper,
        }
    return results


def human_it_ceiling_kendall(folders: list[Path]) -> dict[str, float]:
    """The human IT noise ceiling with Nili et al. 2014's own comparison, Kendall's tau-a."""
    benchmark = load_benchmark("Kriegeskorte2008.IT-human-rsa", data_dir=folders)
    assert isinstance(benchmark, RSABenchmark)
    bounds = noise_ceiling(benchmark.subject_matrices()[1], "kendall_a")
    return {"lower": bounds.lower, "upper": bounds.upper}


def monkey_vs_human_subjects(folders: list[Path]) -> dict[str, object]:
    """The monkey IT RDM scored like a model on Kriegeskorte2008.IT-human-rsa."""
    monkey = load_benchmark("Kriegeskorte2008.IT-monkey-rsa", data_dir=folders)
    human = load_benchmark("Kriegeskorte2008.IT-human-rsa", data_dir=folders)
    assert isinstance(monkey, RSABenchmark) and isinstance(human, RSABenchmark)
    monkey_rdm = monkey.subject_matrices()[1][0]
    subjects = human.subject_matrices()[1]
    per_subject = [spearmanr(vectorize(monkey_rdm), vectorize(s)).statistic for s in subjects]
    return {
        "spearman_per_subject": [float(r) for r in per_subject],
        "mean": float(np.mean(per_subject)),
    }


def main() -> None:
    folders = [Path(arg) for arg in sys.argv[1:]]
    facts = {
        "figure1_monkey_vs_human_IT": figure1_correlation(folders),
        "monkey_IT_vs_human_IT_subjects": monkey_vs_human_subjects(folders),
        "noise_ceilings": ceilings(folders),
        "human_IT_ceiling_kendall_tau_a": human_it_ceiling_kendall(folders),
    }
    print(json.dumps(facts, indent=2))


if __name__ == "__main__":
    main()
