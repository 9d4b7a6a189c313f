"""Turning a leaderboard view into CSV and its benchmarks into BibTeX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from app.leaderboard import repository as board_repository
from app.leaderboard.service import Leaderboard, LeaderboardRow, leaf_identifiers

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
BIBTEX_MEDIA_TYPE = "application/x-bibtex; charset=utf-8"


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def leaderboard_csv(board: Leaderboard) -> str:
    """One line per row: rank, model, source, then each column's value, and for leaves the
    raw, ceiled and error; an aggregate also says how many children it averaged."""
    header = ["rank", "model", "display_name", "source", "origin"]
    for column in board.columns:
        name = column.identifier
        header += [name] + (
            [f"{name}.raw", f"{name}.ceiled", f"{name}.error"]
            if column.is_leaf
            else [f"{name}.averaged", f"{name}.total"]
        )
    return to_csv(header, (_csv_row(board, row) for row in board.rows))


def _csv_row(board: Leaderboard, row: LeaderboardRow) -> list[object]:
    model = row.model
    line: list[object] = [
        row.rank,
        model.name,
        model.display_name,
        model.source.value,
        model.origin,
    ]
    for column in board.columns:
        node = row.values[column.identifier]
        if column.is_leaf:
            cell = row.cells.get(column.identifier)
            stored = (cell.raw, cell.ceiled, cell.error) if cell else (None, None, None)
            line += [node.value, *stored]
        else:
            line += [node.value, node.averaged, node.total]
    return line


def leaderboard_bibtex(session: Session, board: Leaderboard) -> str:
    """BibTeX of every benchmark shown in the view (one entry per distinct citation key)."""
    bibtex = board_repository.benchmark_bibtex(session, leaf_identifiers(board))
    return bibtex_file(bibtex.values())


def bibtex_file(entries: Iterable[str]) -> str:
    unique: dict[str, str] = {}
    for entry in entries:
        text = entry.replace("\r\n", "\n").strip()
        unique.setdefault(_citation_key(text), text)
    return "\n\n".join(unique.values()) + ("\n" if unique else "")


def _citation_key(entry: str) -> str:
    head = entry.split(",", 1)[0]
    return head.split("{", 1)[-1].strip().lower()


def _cell(value: object) -> object:
    if isinstance(value, float):
        return f"{value:.6g}"
    return "" if value is None else value
