"""The leaderboard's API shapes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from app.leaderboard.service import Cell, Leaderboard, LeaderboardRow
from scoring.benchmarks.tree import NodeValue


class NodeOut(BaseModel):
    """An aggregate: the mean of its ``total`` children when all have a value; otherwise
    ``value`` is None, ``averaged`` of ``total`` have one and ``missing`` lists the others."""

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
    same_model: list[str] = []
    """Rows of other sources that list the same network."""


class LeaderboardOut(BaseModel):
    preset: str
    description: str
    value: str
    headline: str
    sources: list[str]
    columns: list[ColumnOut]
    total: int
    offset: int
    limit: int
    rows: list[LeaderboardRowOut]


def node_payload(node: NodeValue) -> dict[str, Any]:
    return {"value": node.value, "averaged": node.averaged, "total": node.total,
            "missing": list(node.missing)}  # fmt: skip


def score_payload(cell: Cell | None, node: NodeValue) -> dict[str, Any]:
    if cell is None:
        return {"raw": None, "ceiled": None, "error": None, "ceiling": None,
                "status": "missing", "value": node.value}  # fmt: skip
    return {"raw": cell.raw, "ceiled": cell.ceiled, "error": cell.error, "ceiling": cell.ceiling,
            "status": cell.status.value, "value": node.value}  # fmt: skip


def row_payload(row: LeaderboardRow, board: Leaderboard) -> dict[str, Any]:
    """A row as plain JSON-ready data (``LeaderboardRowOut``); built once per scores version
    and model, then only the rank changes with the view."""
    cached = board.payloads.get(row.model.id)
    if cached is None:
        cached = _fresh_row_payload(row, board)
        board.payloads[row.model.id] = cached
    return {"rank": row.rank, **cached}


def _fresh_row_payload(row: LeaderboardRow, board: Leaderboard) -> dict[str, Any]:
    model = row.model
    leaves = [c.identifier for c in board.columns if c.is_leaf]
    parents = [c.identifier for c in board.columns if not c.is_leaf]
    return {
        "model": model.name,
        "display_name": model.display_name,
        "source": model.source.value,
        "origin": model.origin,
        "family": model.family,
        "depth": model.depth,
        "aggregate": node_payload(row.aggregate),
        "aggregates": {p: node_payload(row.values[p]) for p in parents},
        "scores": {leaf: score_payload(row.cells.get(leaf), row.values[leaf]) for leaf in leaves},
        "same_model": list(row.same_model),
    }


def row_out(row: LeaderboardRow, board: Leaderboard) -> LeaderboardRowOut:
    return LeaderboardRowOut.model_validate(row_payload(row, board))


def leaderboard_payload(board: Leaderboard) -> dict[str, Any]:
    """``LeaderboardOut`` as plain data: the API sends it without re-validating 500 rows."""
    return {
        "preset": board.preset.name,
        "description": board.preset.description,
        "value": board.preset.value,
        "headline": board.preset.headline,
        "sources": list(board.query.sources or board.preset.default_sources),
        "columns": [vars(column) for column in board.columns],
        "total": board.total,
        "offset": board.query.offset,
        "limit": board.query.limit,
        "rows": [row_payload(row, board) for row in board.rows],
    }
