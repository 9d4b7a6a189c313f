"""Turns score rows into a table: one row per model, one column per benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.core.models import Score, Source
from app.leaderboard import repository


@dataclass
class LeaderboardRow:
    model: str
    source: Source
    ceiled: dict[str, float | None] = field(default_factory=dict)


@dataclass
class LeaderboardTable:
    benchmarks: list[str]
    rows: list[LeaderboardRow]


def leaderboard(session: Session) -> LeaderboardTable:
    return build_table(repository.public_finished_scores(session))


def build_table(scores: Sequence[Score]) -> LeaderboardTable:
    rows: dict[str, LeaderboardRow] = {}
    for score in scores:
        row = rows.setdefault(
            score.model.name, LeaderboardRow(score.model.name, score.model.source)
        )
        row.ceiled[score.benchmark.identifier] = score.ceiled
    benchmarks = sorted({score.benchmark.identifier for score in scores})
    return LeaderboardTable(benchmarks, sorted(rows.values(), key=lambda row: row.model))
