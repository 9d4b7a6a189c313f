"""The project's benchmark tree and its composite presets, as configuration data.

`paper-2019` reproduces the NeurIPS 2019 table: Brain-Score = mean of the *raw* V4, IT, I2n and
OST values, with OST = 0 for feed-forward models and OST against the logistic-decoded primate
targets (as in the paper); ImageNet and CIFAR-100 are shown beside it,
never averaged in. `leaderboard` follows the Brain-Score website: ceiled values, averaged up the
``average_vision`` tree (neural = mean of the V1, V2, V4 and IT regions; IT holds both
MajajHong2015.IT-pls and Kar2019-ost). The offline suite has its own roots so that a model scored
only offline is never compared with one scored on the primate data under the same name, and its
own preset, `offline`, for installations without primate data. `real-offline` ranks real monkey
and human recordings (V1, V2, V4, IT) and human behaviour that the data step builds on every
installation (docs/benchmarks.md): the view a fresh installation opens on.
"""

from __future__ import annotations

from collections.abc import Callable

from scoring.benchmarks.tree import BenchmarkTree, Preset, tree_from_mapping

TREE_CONFIG: dict[str, list[str]] = {
    "average_vision": ["neural_vision", "behavior_vision"],
    "neural_vision": ["V1", "V2", "V4", "IT"],
    "V1": ["FreemanZiemba2013.V1-pls"],
    "V2": ["FreemanZiemba2013.V2-pls"],
    "V4": ["MajajHong2015.V4-pls"],
    "IT": ["MajajHong2015.IT-pls", "Kar2019-ost"],
    "behavior_vision": ["Rajalingham2018-i2n"],
    "engineering_vision": ["ImageNet-top1", "CIFAR100-transfer"],
    "brain_score_2019": [
        "MajajHong2015.V4-pls",
        "MajajHong2015.IT-pls",
        "Rajalingham2018-i2n",
        "Kar2019-ost",
    ],
    "offline_vision": ["CIFAR10H-i2n"],
    # ImageNet-sample-top1 (one image per ImageNet class, built by the data step) is in both
    # offline engineering nodes: a leaf may have several parents.
    "offline_engineering": ["CIFAR10-top1", "Digits-transfer", "ImageNet-sample-top1"],
    # Real brains and behaviour that every installation builds offline (docs/benchmarks.md):
    # their own nodes, so that they are never averaged with the primate suite of the paper.
    "real_vision": ["real_neural", "real_behavior"],
    "real_neural": ["real_V1", "real_V2", "real_V4", "real_IT"],
    "real_V1": ["Coggan2024.V1-rsa"],
    "real_V2": ["Coggan2024.V2-rsa"],
    "real_V4": ["MajajHong2015-subset25.V4", "Coggan2024.V4-rsa"],
    "real_IT": [
        "MajajHong2015-subset25.IT",
        "Kriegeskorte2008.IT-monkey-rsa",
        "Kriegeskorte2008.IT-human-rsa",
        "Coggan2024.IT-rsa",
    ],
    "real_behavior": [
        "Kriegeskorte2008.similarity-rsa",
        "Geirhos2021.cue-conflict-shape-bias",
        "Geirhos2021.cue-conflict-error-consistency",
        "Geirhos2021.edge-error-consistency",
        "Geirhos2021.silhouette-error-consistency",
    ],
    "real_engineering": [
        "Geirhos2021.cue-conflict-accuracy",
        "Geirhos2021.edge-accuracy",
        "Geirhos2021.silhouette-accuracy",
        "ImageNet-sample-top1",
    ],
}

PRESETS: dict[str, Preset] = {
    "paper-2019": Preset(
        name="paper-2019",
        description="NeurIPS 2019: mean of raw V4, IT, I2n, OST (OST = 0 for feed-forward models)",
        value="raw",
        roots=("brain_score_2019",),
        also_shown=("ImageNet-top1", "CIFAR100-transfer"),
        zero_for_static=frozenset({"Kar2019-ost"}),
        default_sources=("neurips2019-table", "computed"),
        decoders={"Kar2019-ost": "logistic"},
    ),
    "leaderboard": Preset(
        name="leaderboard",
        description="Brain-Score website: ceiled scores averaged up the average_vision tree",
        value="ceiled",
        roots=("average_vision", "engineering_vision", "offline_vision", "offline_engineering"),
        not_applicable_for_static=frozenset({"Kar2019-ost"}),
        default_sources=("brainscore-leaderboard-2019", "computed"),
    ),
    # What a fresh installation scores against real brains out of the box: monkey and human
    # recordings (V1, V2, V4, IT) and human psychophysics, all built by the data step.
    "real-offline": Preset(
        name="real-offline",
        description=(
            "Real brains offline: monkey and human V1/V2/V4/IT recordings and human behaviour "
            "(Kriegeskorte 2008, MajajHong 2015 subset, Coggan 2024, Geirhos 2021), ceiled"
        ),
        value="ceiled",
        roots=("real_vision", "real_engineering"),
    ),
    # A fresh installation has no primate data: this view ranks what it can score out of the
    # box (CIFAR-10H human consistency first), without mixing it into the primate composites.
    "offline": Preset(
        name="offline",
        description="Offline suite shipped with Ventral: CIFAR-10H behaviour, CIFAR-10, Digits",
        value="ceiled",
        roots=("offline_vision", "offline_engineering"),
    ),
}

DEFAULT_PRESET = "paper-2019"
"""The preset of links and API calls that name none (compare, the paper's figures)."""
DEFAULT_PRESET_PREFERENCE: tuple[str, ...] = ("real-offline", "paper-2019", "offline")
"""The leaderboard opens on the first of these that the installation can compute (every leaf
under its headline has data installed), else on the last: a fresh installation opens on what
it scores itself, so a newly scored model is ranked on the first page. Point this at another
preset (e.g. one of real-brain data bundled offline) to open there instead."""


def computable_default(installed: Callable[[str], bool]) -> str:
    """The first preset of ``DEFAULT_PRESET_PREFERENCE`` whose headline leaves are all
    ``installed`` (a benchmark identifier → whether its data are here); else the last."""
    tree = benchmark_tree()
    for name in DEFAULT_PRESET_PREFERENCE:
        preset = PRESETS.get(name)
        if preset is not None and all(installed(leaf) for leaf in tree.leaves(preset.headline)):
            return name
    return DEFAULT_PRESET_PREFERENCE[-1]


def benchmark_tree() -> BenchmarkTree:
    return tree_from_mapping(TREE_CONFIG)


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}") from None


def default_views_first(benchmarks: list[str]) -> list[str]:
    """``benchmarks`` with the leaves of the default-view presets first (in
    ``DEFAULT_PRESET_PREFERENCE`` order), then the rest as given: a model's score jobs run in
    this order, so it is ranked on the opening view as early as its scoring allows."""
    tree = benchmark_tree()
    wanted = set(benchmarks)
    first = [
        leaf
        for name in DEFAULT_PRESET_PREFERENCE
        if name in PRESETS
        for root in PRESETS[name].roots
        for leaf in tree.leaves(root)
        if leaf in wanted
    ]
    ordered = list(dict.fromkeys(first))
    return ordered + [name for name in benchmarks if name not in ordered]
