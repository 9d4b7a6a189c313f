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
    assert recurrent["brain_score_2019"].value is None
    assert recurrent["brain_score_2019"].missing == ("Kar2019-ost",)
    assert recurrent["brain_score_2019"].coverage == "3 of 4"


def test_a_composite_exists_only_when_every_child_does() -> None:
    """Issue 16: IamNN was ranked at 0.000 on its OST filler alone, BaseNets on 2 of 4, and a
    recurrent model scored on V4 and IT only would have had .625 and outranked CORnet-S."""
    preset = get_preset("paper-2019")
    ost_only = aggregate(benchmark_tree(), {}, preset, static_model=True)
    assert ost_only["Kar2019-ost"].value == 0.0
    assert ost_only["brain_score_2019"].value is None
    assert ost_only["brain_score_2019"].coverage == "1 of 4"
    two = {"MajajHong2015.V4-pls": Value(0.6, None), "MajajHong2015.IT-pls": Value(0.65, None)}
    partial = aggregate(benchmark_tree(), two, preset, static_model=False)
    assert partial["brain_score_2019"].value is None
    assert (partial["brain_score_2019"].averaged, partial["brain_score_2019"].total) == (2, 4)


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


def test_missing_children_are_never_zero_nor_averaged_over() -> None:
    scores = {"MajajHong2015.IT-pls": Value(0.6, 0.5)}
    values = aggregate(benchmark_tree(), scores, get_preset("leaderboard"))
    assert values["IT"].value is None
    assert (values["IT"].averaged, values["IT"].total) == (1, 2)
    assert values["neural_vision"].value is None
    assert values["neural_vision"].missing == ("V1", "V2", "V4", "IT")
    assert values["V4"].value is None


def test_leaderboard_rows_without_v1_v2_get_no_composite(data_source: DataSource) -> None:
    """Issue 16: CORnet-S's own values give .448 with V1/V2 and .535 without them."""
    results = load_leaderboard_fixtures(data_source("brainscore-web-leaderboard"))
    scores = {s.benchmark: s for s in results.scores if s.model == "CORnet-S"}
    preset = get_preset("leaderboard")
    assert aggregate(benchmark_tree(), scores, preset)["average_vision"].value is not None
    without_v1_v2 = {k: v for k, v in scores.items() if not k.startswith("FreemanZiemba2013")}
    values = aggregate(benchmark_tree(), without_v1_v2, preset)
    assert values["average_vision"].value is None
    assert values["neural_vision"].coverage == "2 of 4"


def test_exclude_drops_a_benchmark_from_every_parent() -> None:
    scores = {"MajajHong2015.IT-pls": Value(0.6, 0.5)}
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


def test_the_default_preset_is_the_first_one_the_installation_can_compute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scoring.benchmarks import presets

    paper_leaves = set(benchmark_tree().leaves("brain_score_2019"))
    assert presets.computable_default(lambda leaf: False) == "offline"
    assert presets.computable_default(lambda leaf: leaf in paper_leaves) == "paper-2019"
    partial = paper_leaves - {"Kar2019-ost"}
    assert presets.computable_default(lambda leaf: leaf in partial) == "offline"
    monkeypatch.setattr(presets, "DEFAULT_PRESET_PREFERENCE", ("leaderboard", "offline"))
    assert presets.computable_default(lambda leaf: leaf in paper_leaves) == "offline"
