"""Every registered benchmark: valid metadata, and it instantiates or reports missing data."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.benchmarks import (
    DataNotInstalled,
    benchmark_info,
    list_benchmarks,
    load_benchmark,
)
from scoring.benchmarks.presets import benchmark_tree
from scoring.benchmarks.tree import check_no_synthetic

PAPER_SUITE = {
    "MajajHong2015.V4-pls",
    "MajajHong2015.IT-pls",
    "MajajHong2015public.V4-pls",
    "MajajHong2015public.IT-pls",
}


@pytest.mark.parametrize("identifier", list_benchmarks())
def test_benchmark_metadata_is_complete(identifier: str) -> None:
    info = benchmark_info(identifier)
    assert info.identifier == identifier
    assert info.version >= 1
    assert info.parent and info.metric and info.description
    assert info.reference.startswith("https://") and info.bibtex.startswith("@")
    assert info.synthetic == identifier.startswith("Synthetic")
    for data_file in info.data_files:
        assert data_file.filename.endswith((".nc", ".csv", ".zip", ".json"))


@pytest.mark.parametrize("identifier", list_benchmarks())
def test_benchmark_instantiates_or_reports_missing_data(identifier: str, tmp_path: Path) -> None:
    benchmark = load_benchmark(identifier, data_dir=tmp_path)
    assert benchmark.identifier == identifier
    if not benchmark.info.data_files:
        assert benchmark.data_installed()
        return
    assert not benchmark.data_installed()
    with pytest.raises(DataNotInstalled, match="data not installed"):
        benchmark(object())  # type: ignore[arg-type]


def test_paper_suite_is_registered() -> None:
    assert set(list_benchmarks()) >= PAPER_SUITE


def test_no_synthetic_benchmark_is_in_the_tree() -> None:
    check_no_synthetic(
        benchmark_tree(),
        lambda leaf: leaf in set(list_benchmarks()) and benchmark_info(leaf).synthetic,
    )


def test_unknown_benchmark_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match=r"MajajHong2015\.IT-pls"):
        load_benchmark("nope")
