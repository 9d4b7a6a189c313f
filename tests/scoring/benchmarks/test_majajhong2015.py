"""MajajHong2015 benchmarks on SYNTHETIC files written in the exact BrainIO layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scoring.benchmarks import DataNotInstalled, load_benchmark
from scoring.benchmarks.majajhong2015 import PRIVATE_ASSEMBLY


def test_it_benchmark_scores_the_true_features_near_the_ceiling(
    hvm_like_data: tuple[Path, dict[str, np.ndarray]], stand_in: type
) -> None:
    folder, truth = hvm_like_data
    benchmark = load_benchmark("MajajHong2015.IT-pls", data_dir=folder, verify_sha1=False)
    assert benchmark.data_installed()
    model = stand_in(truth)
    score = benchmark(model)
    assert model.recorded == [("IT", [(70, 170)])]
    assert score.details["n_features"] == 30 and score.details["layer"] == "stand-in.layer"
    assert 0.5 < score.ceiling < 0.99
    assert score.raw > 0.5
    assert score.ceiled == pytest.approx((score.raw / score.ceiling) ** 2)
    assert len(score.details["neuroid_id"]) == 16


def test_noise_features_score_near_zero(
    hvm_like_data: tuple[Path, dict[str, np.ndarray]], stand_in: type
) -> None:
    folder, truth = hvm_like_data
    rng = np.random.RandomState(5)
    noise = {sid: rng.randn(30) for sid in truth}
    benchmark = load_benchmark("MajajHong2015.V4-pls", data_dir=folder, verify_sha1=False)
    score = benchmark(stand_in(noise))
    assert abs(score.raw) < 0.2
    assert len(score.details["neuroid_id"]) == 8


def test_real_files_are_checked_against_the_published_sha1(
    hvm_like_data: tuple[Path, dict[str, np.ndarray]], stand_in: type
) -> None:
    folder, truth = hvm_like_data
    benchmark = load_benchmark("MajajHong2015.IT-pls", data_dir=folder)
    with pytest.raises(ValueError, match="SHA1"):
        benchmark(stand_in(truth))


def test_files_in_the_second_of_two_data_folders_are_found_and_scored(
    hvm_like_data: tuple[Path, dict[str, np.ndarray]], stand_in: type, tmp_path: Path
) -> None:
    folder, truth = hvm_like_data
    empty = tmp_path / "repository-data"
    empty.mkdir()
    benchmark = load_benchmark("MajajHong2015.IT-pls", data_dir=(empty, folder), verify_sha1=False)
    assert benchmark.data_installed()
    assert benchmark.path(PRIVATE_ASSEMBLY) == folder / "assy_dicarlo_MajajHong2015_private.nc"
    score = benchmark(stand_in(truth))
    assert score.raw > 0.5 and len(score.details["neuroid_id"]) == 16


def test_the_first_folder_holding_a_file_wins_and_a_missing_file_names_every_folder(
    hvm_like_data: tuple[Path, dict[str, np.ndarray]], tmp_path: Path
) -> None:
    folder, _ = hvm_like_data
    first, empty = tmp_path / "first", tmp_path / "empty"
    first.mkdir(), empty.mkdir()
    (first / "assy_dicarlo_MajajHong2015_private.nc").write_bytes(b"first")
    benchmark = load_benchmark("MajajHong2015.IT-pls", data_dir=[first, folder])
    assert benchmark.path(PRIVATE_ASSEMBLY) == first / "assy_dicarlo_MajajHong2015_private.nc"
    missing = load_benchmark("MajajHong2015.IT-pls", data_dir=[empty, first])
    assert missing.missing_files() == ["stimulus_hvm-private.csv", "stimulus_hvm-private.zip"]
    with pytest.raises(DataNotInstalled, match=f"in {empty} or {first} "):
        missing.require_data()
