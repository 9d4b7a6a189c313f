"""The benchmark tree, the two presets and aggregation."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scoring.benchmarks.presets import PRESETS, TREE_CONFIG, benchmark_tree, get_preset
from scoring.benchmarks.tree import aggregate, check_no_synthetic, tree_from_mapping
from scoring.published import load_leaderboard_fixtures, paper_records
from tests.data import DataSource


@dataclass(frozen=True)
class Value:
    raw: float | None
    ceiled: float | None


def test_paper_preset_reproduces_the_paper_composite_for_cornet_s(data_source: DataSource) -> None:
    results = paper_records(data_source("dicarlolab-neurips2019") / "data.csv")
    scores = {s.benchmark: s for s in results.scores if s.model == "CORnet-S"}
    values = aggregate(benchmark_tree(), scores, get_preset("paper-2019"))
    assert values["brain_score_2019"].value == pytest.approx(0.4705, abs=1e-4)
    assert values["brain_score_2019"].averaged == 4
    assert values["ImageNet-top1"].value == pytest.approx(0.731)


def test_paper_preset_counts_ost_as_zero_only_for_static_models() -> None:
    scores = {
        "MajajHong2015.V4-pls": Value(0.6, None),
        "MajajHong2015.IT-pls": Value(0.6, None),
        "Rajalingham2018-i2n": Value(0.4, None),
        "Kar2019-ost": Value(float("nan"), None),
    }
    preset = get_preset("paper-2019")
    static = aggregate(benchmark_tree(), scores, preset, static_model=True)
    assert static["brain_score_2019"].value == pytest.approx(0.4)
    assert static["brain_score_2019"].averaged == 4
    recurrent = aggregate(benchmark_tree(), scores, preset, static_model=False)
    assert recurrent["brain_score_2019"].value == pytest.approx(1.6 / 3)
    assert recurrent["brain_score_2019"].missing == ("Kar2019-ost",)


def test_leaderboard_preset_averages_ceiled_values_and_reports_missing(
    data_source: DataSource,
) -> None:
    results = load_leaderboard_fixtures(data_source("brainscore-web-leaderboard"))
    scores = {s.benchmark: s for s in results.scores if s.model == "CORnet-S"}
    values = aggregate(benchmark_tree(), scores, get_preset("leaderboard"))
    it = values["IT"]
    assert it.averaged == 2
    assert it.value == pytest.approx((0.5330 + 0.3841) / 2, abs=1e-4)
    neural = values["neural_vision"]
    expected = (0.1461 + 0.2077 + 0.5933 + it.value) / 4
    assert neural.value == pytest.approx(expected, abs=1e-4)
    assert values["average_vision"].value == pytest.approx((neural.value + 0.5451) / 2, abs=1e-4)
    assert values["offline_vision"].value is None
    assert values["offline_vision"].missing == ("CIFAR10H-i2n",)


def test_missing_children_are_never_zero() -> None:
    scores = {"MajajHong2015.IT-pls": Value(0.6, 0.5)}
    values = aggregate(benchmark_tree(), scores, get_preset("leaderboard"))
    assert values["IT"].value == pytest.approx(0.5)
    assert (values["IT"].averaged, values["IT"].total) == (1, 2)
    assert values["neural_vision"].value == pytest.approx(0.5)
    assert values["V4"].value is None


def test_exclude_drops_a_benchmark_from_every_parent() -> None:
    scores = {"MajajHong2015.IT-pls": Value(0.6, 0.5), "Kar2019-ost": Value(0.3, 0.1)}
    values = aggregate(benchmark_tree(), scores, get_preset("leaderboard"), exclude=["Kar2019-ost"])
    assert values["IT"].value == pytest.approx(0.5)
    assert values["IT"].total == 1
    assert "Kar2019-ost" not in values


def test_trees_reject_cycles_and_synthetic_leaves() -> None:
    with pytest.raises(ValueError, match="cycle"):
        tree_from_mapping({"a": ["b"], "b": ["a"]})
    tree = tree_from_mapping({"root": ["Synthetic-IT-pls", "real"]})
    with pytest.raises(ValueError, match="synthetic"):
        check_no_synthetic(tree, lambda leaf: leaf.startswith("Synthetic"))


def test_presets_name_nodes_of_the_tree() -> None:
    tree = benchmark_tree()
    for preset in PRESETS.values():
        for node in (*preset.roots, *preset.also_shown):
            assert node in TREE_CONFIG or any(node in kids for kids in TREE_CONFIG.values())
        assert preset.headline in tree.children
    with pytest.raises(KeyError):
        get_preset("nope")
