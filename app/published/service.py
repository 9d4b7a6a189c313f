"""Seeding the benchmark catalogue and the published results as rows (idempotent upserts).

[decision] One benchmark row per identifier (the registry's current version); a published score
of an older version attaches to it and keeps the version it was computed on in ``details``.
[decision] Each published source gets its own model rows: the paper's table and the 2019
leaderboard measured the same networks on different benchmark versions, so their values are
different facts. Names are made URL-safe; a name already taken by another source gets the
source's short tag (``CORnet-S`` from the paper, ``CORnet-S--bs2019`` from the leaderboard).
"""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.published import repository
from app.published.catalogue import BenchmarkEntry, all_entries
from foundation.models import (
    Benchmark,
    Model,
    Score,
    ScoreStatus,
    Source,
    Visibility,
    utcnow,
)
from scoring.published import (
    PublishedModel,
    PublishedResults,
    PublishedScore,
    load_leaderboard_fixtures,
    paper_records,
)
from scoring.published.leaderboard import model_bibtex_by_url

PUBLISHED_DIR = Path(__file__).resolve().parents[2] / "data" / "published"
PAPER_TABLE = PUBLISHED_DIR / "neurips2019" / "data.csv"
LEADERBOARD_FIXTURES = PUBLISHED_DIR / "brainscore-2019"
SHORT_TAGS = {"neurips2019-table": "paper2019", "brainscore-leaderboard-2019": "bs2019"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_FAMILY = re.compile(r"[a-z]+")
# Published-only leaves take these from the published records (see _complete_benchmark).
_FILLED_FROM_SOURCES = frozenset({"ceiling", "reference", "bibtex"})


def seed_benchmarks(session: Session) -> dict[str, Benchmark]:
    """Insert or update a row per catalogue entry, then link each to its parent."""
    entries = all_entries()
    rows = repository.benchmarks_by_identifier(session)
    for entry in entries:
        row = rows.get(entry.identifier)
        if row is None or row.version < entry.version:
            row = Benchmark(identifier=entry.identifier, version=entry.version)
            repository.add(session, row)
            rows[entry.identifier] = row
        _fill_benchmark(row, entry)
    session.flush()
    for entry in entries:
        parent = rows.get(entry.parent) if entry.parent else None
        rows[entry.identifier].parent_id = parent.id if parent else None
    session.flush()
    return rows


def _fill_benchmark(row: Benchmark, entry: BenchmarkEntry) -> None:
    values = asdict(entry)
    for key in ("identifier", "version", "parent"):
        values.pop(key)
    for key, value in values.items():
        if value is None and key in _FILLED_FROM_SOURCES:
            continue
        setattr(row, key, value)


def published_results() -> list[PublishedResults]:
    """The paper's table first (its names win), then the 2019 leaderboard."""
    bibtex = model_bibtex_by_url(LEADERBOARD_FIXTURES)
    return [paper_records(PAPER_TABLE, bibtex), load_leaderboard_fixtures(LEADERBOARD_FIXTURES)]


def seed_published(session: Session) -> int:
    """Seed the catalogue and every published source; returns the number of score rows."""
    benchmarks = seed_benchmarks(session)
    taken: dict[str, str] = {}
    return sum(
        import_results(session, results, benchmarks, taken) for results in published_results()
    )


def import_results(
    session: Session,
    results: PublishedResults,
    benchmarks: dict[str, Benchmark],
    taken: dict[str, str],
) -> int:
    names = {m.name: model_name(m.name, results.source, taken) for m in results.models}
    models = _upsert_models(session, results, names)
    existing = repository.scores_of(session, [m.id for m in models.values()])
    for record in results.scores:
        benchmark = benchmarks[record.benchmark]
        model = models[record.model]
        score = existing.get((model.id, benchmark.id))
        if score is None:
            score = Score(model_id=model.id, benchmark_id=benchmark.id)
            repository.add(session, score)
        _fill_score(score, record)
        _complete_benchmark(benchmark, record)
    session.flush()
    return len(results.scores)


def model_name(name: str, source: str, taken: dict[str, str]) -> str:
    """A URL-safe unique name; ``taken`` maps names already used to their source."""
    safe = _UNSAFE.sub("_", name.strip()).strip("_") or "model"
    if taken.get(safe, source) != source:
        safe = f"{safe}--{SHORT_TAGS.get(source, source)}"
    taken[safe] = source
    return safe


def family_of(name: str) -> str:
    """[decision] Published models carry no family: the leading letters of the name, lowercase
    (``ResNet-101 v2`` → ``resnet``, ``mobilenet_v1_0.25_128`` → ``mobilenet``)."""
    match = _FAMILY.match(name.lower())
    return match.group(0) if match else "other"


def _upsert_models(
    session: Session, results: PublishedResults, names: dict[str, str]
) -> dict[str, Model]:
    rows = repository.models_by_name(session, list(names.values()))
    models = {}
    for record in results.models:
        row = rows.get(names[record.name])
        if row is None:
            row = Model(name=names[record.name], format="published", source=Source.published)
            repository.add(session, row)
        row.visibility = Visibility.public
        row.model_metadata = published_metadata(record, results)
        models[record.name] = row
    session.flush()
    return models


def published_metadata(record: PublishedModel, results: PublishedResults) -> dict[str, Any]:
    return {
        "display_name": record.name,
        "published_source": results.source,
        "citation": results.citation,
        "source_bibtex": results.bibtex,
        "reference": record.reference_url,
        "bibtex": record.bibtex,
        "family": family_of(record.name),
        "depth": record.depth,
        "imagenet_top1": record.imagenet_top1,
        "paper_extras": dict(record.extras),
    }


def _fill_score(score: Score, record: PublishedScore) -> None:
    details = {
        "published_source": record.source,
        "source_benchmark": record.source_benchmark,
        "source_version": record.version,
        "ceiling_error": record.ceiling_error,
    }
    values = (record.raw, record.ceiled, record.error, record.ceiling, details, record.citation)
    current = (score.raw, score.ceiled, score.error, score.ceiling, score.details, score.citation)
    if values == current and score.status is ScoreStatus.succeeded:
        return
    score.raw, score.ceiled, score.error, score.ceiling, score.details, score.citation = values
    score.status = ScoreStatus.succeeded
    score.source = Source.published
    score.finished_at = utcnow()  # moves the scores version, so cached boards are rebuilt


def _complete_benchmark(benchmark: Benchmark, record: PublishedScore) -> None:
    """Published-only leaves take their ceiling and BibTeX from the source that has them."""
    if benchmark.ceiling is None and record.ceiling is not None:
        benchmark.ceiling, benchmark.ceiling_error = record.ceiling, record.ceiling_error
    if not benchmark.bibtex and record.bibtex:
        benchmark.bibtex = record.bibtex
