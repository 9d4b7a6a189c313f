"""MajajHong2015 benchmarks on SYNTHETIC files written in the exact BrainIO layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scoring.benchmarks import load_benchmark


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
