"""The benchmark tree and composite presets (spec §3.6), as data, and how scores aggregate up it.

The composite rule: a parent has a value only when *every* child it averages has one; it is then
the mean of its children. A parent with a missing child has no value (never a mean of the rest,
never a zero): it reports "k of n" (``present`` of ``total``) and which children are missing,
and is not ranked on that column. The paper's OST = 0 for feed-forward models
(``zero_for_static``) is a defined value, not a missing one, so it completes a composite. The
2019 website instead left OST out for feed-forward models (``not_applicable_for_static``): there
the child is not applicable, so the parent averages the children that apply, for every such row.
Synthetic benchmarks may never appear in a tree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol


class ScoreLike(Protocol):
    """Anything with a raw and a ceiled value: a `Score`, a published record, a database row."""

    @property
    def raw(self) -> float | None: ...

    @property
    def ceiled(self) -> float | None: ...


@dataclass(frozen=True)
class BenchmarkTree:
    """Parent → children; leaves are benchmark identifiers, inner nodes are aggregates."""

    children: Mapping[str, tuple[str, ...]]

    def is_leaf(self, node: str) -> bool:
        return node not in self.children

    def leaves(self, node: str) -> list[str]:
        if self.is_leaf(node):
            return [node]
        return [leaf for child in self.children[node] for leaf in self.leaves(child)]

    def descendants(self, node: str) -> list[str]:
        """``node`` and everything below it, parents after their children."""
        below = [d for child in self.children.get(node, ()) for d in self.descendants(child)]
        return [*below, node]


@dataclass(frozen=True)
class Preset:
    """Which aggregates to show (``roots``, headline first), on which value, with which rules."""

    name: str
    description: str
    value: Literal["raw", "ceiled"]
    roots: tuple[str, ...]
    also_shown: tuple[str, ...] = ()
    zero_for_static: frozenset[str] = field(default_factory=frozenset)
    not_applicable_for_static: frozenset[str] = field(default_factory=frozenset)
    default_sources: tuple[str, ...] = ("computed",)
    """The rows a view shows unless asked for others: one source per model (plus ours)."""
    decoders: Mapping[str, str] = field(default_factory=dict)
    """Benchmark → the decoder whose values this preset shows (Kar2019: the paper's logistic)."""

    @property
    def headline(self) -> str:
        return self.roots[0]


@dataclass(frozen=True)
class NodeValue:
    """A node's value (``None`` unless every child has one), how many of its ``total`` children
    have a value (``averaged``: the "k" of "k of n") and which are missing."""

    value: float | None
    averaged: int
    total: int
    missing: tuple[str, ...] = ()
    applicable: bool = True

    @property
    def complete(self) -> bool:
        return self.averaged == self.total

    @property
    def coverage(self) -> str:
        """The "k of n" of a partial aggregate; empty for a complete one."""
        return "" if self.complete else f"{self.averaged} of {self.total}"


def tree_from_mapping(children: Mapping[str, Iterable[str]]) -> BenchmarkTree:
    """Build a tree from configuration (e.g. parsed JSON); rejects cycles."""
    tree = BenchmarkTree({parent: tuple(kids) for parent, kids in children.items()})
    for root in tree.children:
        _check_acyclic(tree, root, ())
    return tree


def check_no_synthetic(tree: BenchmarkTree, is_synthetic: Callable[[str], bool]) -> None:
    """Raise if a synthetic benchmark is a leaf of the tree."""
    leaves = {leaf for root in tree.children for leaf in tree.leaves(root)}
    synthetic = sorted(leaf for leaf in leaves if is_synthetic(leaf))
    if synthetic:
        raise ValueError(f"synthetic benchmarks may not be aggregated: {', '.join(synthetic)}")


def aggregate(
    tree: BenchmarkTree,
    scores: Mapping[str, ScoreLike],
    preset: Preset,
    exclude: Iterable[str] = (),
    static_model: bool = False,
) -> dict[str, NodeValue]:
    """Values of every node under the preset's roots, plus the leaves it shows separately."""
    excluded = frozenset(exclude)
    values: dict[str, NodeValue] = {}
    for node in [*preset.roots, *preset.also_shown]:
        for member in tree.descendants(node):
            if member in excluded or member in values:
                continue
            if tree.is_leaf(member):
                values[member] = _leaf(member, scores, preset, static_model)
            else:
                values[member] = _mean_of_children(tree.children[member], values, excluded)
    return values


def _leaf(
    benchmark: str, scores: Mapping[str, ScoreLike], preset: Preset, static_model: bool
) -> NodeValue:
    score = scores.get(benchmark)
    value = _finite(getattr(score, preset.value) if score is not None else None)
    if value is None and static_model and benchmark in preset.zero_for_static:
        value = 0.0
    if value is None and static_model and benchmark in preset.not_applicable_for_static:
        return NodeValue(None, averaged=0, total=0, applicable=False)
    return NodeValue(value, averaged=int(value is not None), total=1)


def _mean_of_children(
    children: tuple[str, ...], values: Mapping[str, NodeValue], excluded: frozenset[str]
) -> NodeValue:
    kept = [child for child in children if child not in excluded and values[child].applicable]
    present = [value for c in kept if (value := values[c].value) is not None]
    missing = tuple(c for c in kept if values[c].value is None)
    mean = math.fsum(present) / len(present) if present and not missing else None
    return NodeValue(mean, averaged=len(present), total=len(kept), missing=missing)


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _check_acyclic(tree: BenchmarkTree, node: str, path: tuple[str, ...]) -> None:
    if node in path:
        raise ValueError(f"cycle in benchmark tree: {' → '.join([*path, node])}")
    for child in tree.children.get(node, ()):
        _check_acyclic(tree, child, (*path, node))
