"""Published results: the paper's table and the 2019 leaderboard fixtures, and the §9 numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scoring.published import (
    current_benchmark_identifier,
    load_leaderboard_fixtures,
    load_paper_table,
    paper_records,
)
from scoring.published.leaderboard import model_bibtex_by_url
from scoring.published.statistics import (
    FIGURE_2_PAPER,
    MIN_MODELS,
    composite_deviation,
    composite_ranking,
    figure_2_correlations,
    imagenet_correlation,
    paper_composite,
    pearson,
)
from tests.data import DataSource


@pytest.fixture(scope="module")
def paper_csv(data_source: DataSource) -> Path:
    return data_source("dicarlolab-neurips2019") / "data.csv"


@pytest.fixture(scope="module")
def fixtures_dir(data_source: DataSource) -> Path:
    return data_source("brainscore-web-leaderboard")


@pytest.fixture(scope="module")
def table(paper_csv: Path) -> pd.DataFrame:
    return load_paper_table(paper_csv)


def test_paper_table_has_243_models(table: pd.DataFrame) -> None:
    assert len(table) == 243


def test_paper_records_map_columns_to_our_benchmarks(paper_csv: Path) -> None:
    results = paper_records(paper_csv)
    cornet = results.score("CORnet-S", "MajajHong2015.IT-pls")
    assert cornet.raw == pytest.approx(0.6003, abs=1e-4)
    assert cornet.ceiled is None and cornet.source_benchmark == "IT"
    assert results.score("CORnet-S", "Kar2019-ost").raw == pytest.approx(0.25)
    assert results.score("CORnet-S", "Rajalingham2018-i2n").raw == pytest.approx(0.382)
    assert results.score("CORnet-S", "CIFAR100-transfer").ceiled == pytest.approx(0.7246)
    assert results.score("DenseNet-169", "Kar2019-ost").raw == 0.0


def test_paper_records_skip_missing_values_and_keep_metadata(
    paper_csv: Path, fixtures_dir: Path
) -> None:
    results = paper_records(paper_csv, model_bibtex=model_bibtex_by_url(fixtures_dir))
    assert len(results.models) == 243
    with pytest.raises(KeyError):
        results.score("IamNN", "MajajHong2015.V4-pls")
    cornet = next(m for m in results.models if m.name == "CORnet-S")
    assert cornet.depth == 15 and cornet.imagenet_top1 == pytest.approx(0.731)
    assert cornet.extras["Brain-Score"] == pytest.approx(0.4705, abs=1e-4)
    densenet = next(m for m in results.models if m.name == "DenseNet-169")
    assert densenet.bibtex and "Densely" in densenet.bibtex
    assert "kubilius2019brain" in results.bibtex


def test_leaderboard_drops_test_users_and_keeps_77_models(fixtures_dir: Path) -> None:
    results = load_leaderboard_fixtures(fixtures_dir)
    names = {score.model for score in results.scores}
    assert len(names) == 77
    assert not names & {"alexnet1", "alexnet2"}
    assert {m.name for m in results.models} == names


def test_leaderboard_scores_carry_ceilings_and_references(fixtures_dir: Path) -> None:
    results = load_leaderboard_fixtures(fixtures_dir)
    it = results.score("CORnet-S", "MajajHong2015.IT-pls")
    assert it.ceiled == pytest.approx(0.533, abs=1e-3)
    assert it.ceiling == pytest.approx(0.8218, abs=1e-4)
    assert it.ceiled == pytest.approx((it.raw / it.ceiling) ** 2, abs=1e-6)
    assert it.version == 3 and "Majaj" in it.bibtex
    assert results.score("CORnet-S", "ImageNet-top1").ceiled == pytest.approx(0.747)
    assert results.score("vggface", "Kar2019-ost").raw is None


def test_2019_identifiers_map_to_ours() -> None:
    assert current_benchmark_identifier("dicarlo.MajajHong2015.IT-pls") == "MajajHong2015.IT-pls"
    assert current_benchmark_identifier("dicarlo.Majaj2015.V4-pls") == "MajajHong2015.V4-pls"
    assert current_benchmark_identifier("fei-fei.Deng2009-top1") == "ImageNet-top1"
    assert current_benchmark_identifier("Kar2019-ost") == "Kar2019-ost"


def test_composite_is_mean_of_v4_it_behavior_ost(table: pd.DataFrame) -> None:
    assert composite_deviation(table) < 1e-9
    assert paper_composite(table)["CORnet-S"] == pytest.approx(0.4705, abs=1e-4)
    assert paper_composite(table)["DenseNet-169"] == pytest.approx(0.4116, abs=1e-4)


def test_brain_score_correlates_with_imagenet_below_70_percent_only(table: pd.DataFrame) -> None:
    below = imagenet_correlation(table, below=0.70)
    above = imagenet_correlation(table, above=0.70)
    assert round(below.r, 2) == 0.90
    assert below.p < 1e-10
    assert abs(above.r) < 0.1 and above.p > 0.5
    assert below.n + above.n == 238


def test_cornet_s_ranks_first_and_pnasnet_thirteenth(table: pd.DataFrame) -> None:
    ranks = composite_ranking(table)
    assert ranks["CORnet-S"] == 1
    assert ranks["PNASnet Large"] == 13


def test_figure_2_reproduces_the_papers_values_with_cornet_s_excluded(table: pd.DataFrame) -> None:
    """Issue 16: with CORnet-S in, r = .865 / .580 / .854 / .603 and n = 45 / 45 / 45 / 36."""
    ours = figure_2_correlations(table)
    assert set(ours) == set(FIGURE_2_PAPER)
    for label, paper in FIGURE_2_PAPER.items():
        found = ours[label]
        assert found is not None
        assert (round(found.r, 3), found.n) == (paper.r, paper.n), label


def test_no_correlation_from_fewer_than_the_minimum_of_models() -> None:
    """Issue 16: three points gave r = -1.00, p = 0 on a fresh installation."""
    assert MIN_MODELS == 10
    assert pearson([0.1, 0.2, 0.3], [0.3, 0.2, 0.1]) is None
    ten = [float(i) for i in range(MIN_MODELS)]
    found = pearson(ten, [2 * v + (i % 2) for i, v in enumerate(ten)])
    assert found is not None and found.n == MIN_MODELS and found.r > 0.9
    assert pearson(ten, [1.0] * MIN_MODELS) is None
