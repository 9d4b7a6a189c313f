"""What the page shows in each cell: text, a tooltip with ± and provenance, a color scale."""

from __future__ import annotations

from dataclasses import dataclass

from app.leaderboard.service import Column, Leaderboard, LeaderboardRow
from scoring.benchmarks.tree import NodeValue

ORIGIN_LABELS = {
    "computed": "computed here",
    "neurips2019-table": "paper 2019",
    "brainscore-leaderboard-2019": "Brain-Score 2019",
}


def origin_label(origin: str) -> str:
    """Short badge text telling computed rows and each published source apart."""
    return ORIGIN_LABELS.get(origin, origin)


@dataclass(frozen=True)
class CellView:
    text: str
    title: str
    style: str
    missing: bool


@dataclass(frozen=True)
class ColumnScale:
    low: float
    high: float

    def color(self, value: float) -> str:
        """Red (column minimum) through yellow to green (column maximum)."""
        span = self.high - self.low
        fraction = 0.5 if span <= 0 else (value - self.low) / span
        return f"background-color: hsl({round(120 * fraction)}, 65%, 82%)"


def column_scales(board: Leaderboard) -> dict[str, ColumnScale]:
    scales = {}
    for column in board.columns:
        values = [v for row in board.rows if (v := row.values[column.identifier].value) is not None]
        if values:
            scales[column.identifier] = ColumnScale(min(values), max(values))
    return scales


def cell_view(row: LeaderboardRow, column: Column, scale: ColumnScale | None) -> CellView:
    node = row.values[column.identifier]
    if node.value is None:
        text = node.coverage if not column.is_leaf and node.averaged else "—"
        return CellView(text, _missing_title(row, column, node), "", True)
    style = scale.color(node.value) if scale else ""
    title = _leaf_title(row, column, node) if column.is_leaf else _parent_title(node)
    return CellView(f"{node.value:.3f}", title, style, False)


def _missing_title(row: LeaderboardRow, column: Column, node: NodeValue) -> str:
    cell = row.cells.get(column.identifier)
    if column.is_leaf:
        if cell is None:
            return "missing: not scored"
        if cell.reason and cell.reason.startswith("data not installed"):
            return f"not installed: {cell.reason}"
        if cell.reason and cell.reason.startswith("not applicable"):
            return cell.reason
        reason = f": {cell.reason}" if cell.reason else ""
        return f"missing (score {cell.status.value}){reason}"
    return (
        f"no value: {node.averaged} of {node.total} children have a score "
        f"(missing: {', '.join(node.missing)}); a composite needs all of them"
    )


def _leaf_title(row: LeaderboardRow, column: Column, node: NodeValue) -> str:
    cell = row.cells.get(column.identifier)
    if cell is None or cell.status.value != "succeeded":
        return "0 by the paper's rule: OST = 0 for feed-forward models"
    parts = [f"raw {_fmt(cell.raw)}", f"ceiled {_fmt(cell.ceiled)}"]
    if cell.error is not None:
        parts.append(f"± {cell.error:.3f}")
    if cell.ceiling is not None:
        parts.append(f"ceiling {cell.ceiling:.3f}")
    if cell.ceiled is not None and cell.ceiled > 1:
        parts.append("above 1: the raw score exceeds the ceiling, itself a noisy estimate")
    return " · ".join(parts)


def _parent_title(node: NodeValue) -> str:
    return f"mean of its {node.total} children"


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def ancestors(board: Leaderboard) -> dict[str, list[str]]:
    """Each column's parents up to its root (the columns a collapse hides)."""
    parent = {column.identifier: column.parent for column in board.columns}
    chains: dict[str, list[str]] = {}
    for column in board.columns:
        chain, node = [], column.parent
        while node is not None:
            chain.append(node)
            node = parent.get(node)
        chains[column.identifier] = chain
    return chains
