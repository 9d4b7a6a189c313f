"""The leaderboard's API shapes."""

from __future__ import annotations

from pydantic import BaseModel

from app.leaderboard.service import Cell, Leaderboard, LeaderboardRow
from scoring.benchmarks.tree import NodeValue


class NodeOut(BaseModel):
    """An aggregate: the mean of ``averaged`` of its ``total`` children; ``missing`` lists the
    children without a value."""

    value: float | None
    averaged: int
    total: int
    missing: list[str]


class ScoreOut(BaseModel):
    """One benchmark's stored score; ``value`` is what the preset shows (raw or ceiled; 0 for
    OST of a feed-forward model under paper-2019)."""

    raw: float | None
    ceiled: float | None
    error: float | None
    ceiling: float | None
    status: str
    value: float | None


class ColumnOut(BaseModel):
    identifier: str
    parent: str | None
    level: int
    is_leaf: bool


class LeaderboardRowOut(BaseModel):
    rank: int | None
    model: str
    display_name: str
    source: str
    origin: str
    family: str | None
    depth: float | None
    aggregate: NodeOut
    aggregates: dict[str, NodeOut]
    scores: dict[str, ScoreOut]


class LeaderboardOut(BaseModel):
    preset: str
    description: str
    value: str
    headline: str
    columns: list[ColumnOut]
    total: int
    offset: int
    limit: int
    rows: list[LeaderboardRowOut]


def node_out(node: NodeValue) -> NodeOut:
    return NodeOut(
        value=node.value, averaged=node.averaged, total=node.total, missing=list(node.missing)
    )


def score_out(cell: Cell | None, node: NodeValue) -> ScoreOut:
    if cell is None:
        return ScoreOut(
            raw=None, ceiled=None, error=None, ceiling=None, status="missing", value=node.value
        )
    return ScoreOut(
        raw=cell.raw,
        ceiled=cell.ceiled,
        error=cell.error,
        ceiling=cell.ceiling,
        status=cell.status.value,
        value=node.value,
    )


def row_out(row: LeaderboardRow, board: Leaderboard) -> LeaderboardRowOut:
    leaves = [c.identifier for c in board.columns if c.is_leaf]
    parents = [c.identifier for c in board.columns if not c.is_leaf]
    return LeaderboardRowOut(
        rank=row.rank,
        model=row.model.name,
        display_name=row.model.display_name,
        source=row.model.source.value,
        origin=row.model.origin,
        family=row.model.family,
        depth=row.model.depth,
        aggregate=node_out(row.aggregate),
        aggregates={p: node_out(row.values[p]) for p in parents},
        scores={leaf: score_out(row.cells.get(leaf), row.values[leaf]) for leaf in leaves},
    )


def leaderboard_out(board: Leaderboard) -> LeaderboardOut:
    return LeaderboardOut(
        preset=board.preset.name,
        description=board.preset.description,
        value=board.preset.value,
        headline=board.preset.headline,
        columns=[ColumnOut(**vars(column)) for column in board.columns],
        total=board.total,
        offset=board.query.offset,
        limit=board.query.limit,
        rows=[row_out(row, board) for row in board.rows],
    )
