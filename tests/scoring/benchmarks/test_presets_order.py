"""Score jobs run in the order of ``default_views_first``: the opening view's benchmarks first."""

from scoring.benchmarks import list_benchmarks
from scoring.benchmarks.presets import benchmark_tree, default_views_first, get_preset


def test_the_opening_views_benchmarks_come_first_and_none_is_lost() -> None:
    everything = sorted(list_benchmarks(), reverse=True)
    ordered = default_views_first(everything)
    real = {
        leaf for root in get_preset("real-offline").roots for leaf in benchmark_tree().leaves(root)
    }
    assert sorted(ordered) == sorted(everything)
    assert set(ordered[: len(real & set(everything))]) == real & set(everything)


def test_benchmarks_outside_every_default_view_keep_their_order() -> None:
    assert default_views_first(["b-unknown", "a-unknown"]) == ["b-unknown", "a-unknown"]
