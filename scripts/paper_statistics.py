"""Print the paper's statistics recomputed from its per-model table beside the paper's values.

    PYTHONPATH=. python scripts/paper_statistics.py [data/published/neurips2019/data.csv]

Figure 1 (§9): Pearson r of Brain-Score with ImageNet top-1, below / at or above 70 %. Figure 2:
the generalization panels with CORnet-S excluded, as in the paper. docs/leaderboard.md quotes
this output.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scoring.published import load_paper_table
from scoring.published.statistics import (
    FIGURE_2_PAPER,
    figure_2_correlations,
    imagenet_correlation,
)

DEFAULT_TABLE = (
    Path(__file__).resolve().parents[1] / "data" / "published" / "neurips2019" / "data.csv"
)


def main() -> None:
    table = load_paper_table(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TABLE)
    print("statistic | ours: r (p, n) | the paper: r (n)")
    below = imagenet_correlation(table, below=0.7)
    above = imagenet_correlation(table, above=0.7)
    print(f"Figure 1, ImageNet < 70 % | {below.r:.4f} ({below.p:.2g}, {below.n}) | .90")
    print(f"Figure 1, ImageNet >= 70 % | {above.r:.4f} ({above.p:.2g}, {above.n}) | none")
    for label, found in figure_2_correlations(table).items():
        paper = FIGURE_2_PAPER[label]
        ours = "not drawn" if found is None else f"{found.r:.4f} ({found.p:.2g}, {found.n})"
        print(f"Figure 2, {label} | {ours} | {paper.r:.3f} ({paper.n})")


if __name__ == "__main__":
    main()
