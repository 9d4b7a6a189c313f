"""What the benchmark rows hold: the registry's benchmarks, the tree's aggregate nodes, and the
leaves the tree names that only published scores fill (no implementation or data here)."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.benchmarks import benchmark_info, list_benchmarks, load_benchmark
from scoring.benchmarks.presets import PRESETS, TREE_CONFIG
from scoring.benchmarks.references import DIGITS, KAR2019, KRIZHEVSKY2009, Reference

# The one tree root that re-uses leaves of another: never chosen as a stored parent.
PRESET_ONLY_ROOTS = frozenset({"brain_score_2019"})


@dataclass(frozen=True)
class BenchmarkEntry:
    """One benchmark row to seed (a leaf or an aggregate node)."""

    identifier: str
    version: int
    parent: str | None
    metric: str
    description: str
    reference: str | None = None
    bibtex: str | None = None
    ceiling: float | None = None
    data_installed: bool = False
    synthetic: bool = False
    n_stimuli: int | None = None
    n_sites: int | None = None


_PUBLISHED_ONLY: dict[str, tuple[str, str, Reference | None]] = {
    "Kar2019-ost": (
        "object solution time consistency",
        "Kar2019 OST: correlation of the model's per-image object solution times with the "
        "monkeys' (spec §3.3). Published scores only until the Kar2019 files are imported.",
        KAR2019,
    ),
    "FreemanZiemba2013.V1-pls": (
        "neural_predictivity",
        "V1 responses to textures and noise (Freeman, Ziemba et al. 2013). Published scores only.",
        None,
    ),
    "FreemanZiemba2013.V2-pls": (
        "neural_predictivity",
        "V2 responses to textures and noise (Freeman, Ziemba et al. 2013). Published scores only.",
        None,
    ),
    "CIFAR100-transfer": (
        "linear transfer accuracy",
        "CIFAR-100 linear transfer from frozen features (paper only, spec §3.5).",
        KRIZHEVSKY2009,
    ),
    "Digits-transfer": (
        "linear transfer accuracy",
        "Linear transfer to scikit-learn's handwritten digits (spec §8.3).",
        DIGITS,
    ),
}


def stored_parent(identifier: str) -> str | None:
    """The parent kept in the row: the first tree node listing it, preset-only roots last."""
    parents = [p for p, kids in TREE_CONFIG.items() if identifier in kids]
    preferred = [p for p in parents if p not in PRESET_ONLY_ROOTS]
    candidates = preferred or parents
    return candidates[0] if candidates else None


def aggregate_entries() -> list[BenchmarkEntry]:
    descriptions = {preset.headline: preset.description for preset in PRESETS.values()}
    return [
        BenchmarkEntry(
            identifier=node,
            version=1,
            parent=stored_parent(node),
            metric="mean of children",
            description=descriptions.get(node, f"Mean of the scores under {node}."),
            data_installed=True,
        )
        for node in TREE_CONFIG
    ]


def registry_entries() -> list[BenchmarkEntry]:
    entries = []
    for identifier in list_benchmarks():
        info = benchmark_info(identifier)
        entries.append(
            BenchmarkEntry(
                identifier=identifier,
                version=info.version,
                parent=None if info.synthetic else stored_parent(identifier),
                metric=info.metric,
                description=info.description,
                reference=info.reference,
                bibtex=info.bibtex,
                ceiling=info.published_ceiling,
                data_installed=_data_installed(identifier),
                synthetic=info.synthetic,
                n_stimuli=info.n_stimuli,
                n_sites=info.n_sites,
            )
        )
    return entries


def published_only_entries(registered: set[str]) -> list[BenchmarkEntry]:
    """Leaves of the tree that no registered benchmark implements."""
    leaves = {kid for kids in TREE_CONFIG.values() for kid in kids if kid not in TREE_CONFIG}
    entries = []
    for identifier in sorted(leaves - registered):
        metric, description, reference = _PUBLISHED_ONLY.get(
            identifier, ("unknown", f"{identifier}: published scores only.", None)
        )
        entries.append(
            BenchmarkEntry(
                identifier=identifier,
                version=1,
                parent=stored_parent(identifier),
                metric=metric,
                description=description,
                reference=reference.url if reference else None,
                bibtex=reference.bibtex if reference else None,
            )
        )
    return entries


def all_entries() -> list[BenchmarkEntry]:
    registered = registry_entries()
    names = {entry.identifier for entry in registered}
    return [*aggregate_entries(), *registered, *published_only_entries(names)]


def _data_installed(identifier: str) -> bool:
    try:
        return load_benchmark(identifier).data_installed()
    except Exception:  # a benchmark that cannot even be built has no usable data
        return False
