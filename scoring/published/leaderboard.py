"""Importer for the 2019 Brain-Score leaderboard fixtures (brain-score.web benchmarks/fixtures).

Scores carry raw, ceiled and error as published; ceilings come from the benchmark instances
and BibTeX from the reference fixtures. Test accounts of the web app are dropped.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from scoring.published.citations import LEADERBOARD_2019_BIBTEX, LEADERBOARD_2019_CITATION
from scoring.published.identifiers import current_benchmark_identifier
from scoring.published.records import PublishedModel, PublishedResults, PublishedScore

SOURCE = "brainscore-leaderboard-2019"
TEST_MODELS = frozenset({"alexnet1", "alexnet2"})
TEST_OWNERS = frozenset({"franzi@example.com"})


def load_leaderboard_fixtures(folder: Path) -> PublishedResults:
    """All real models and their scores from the fixture JSON files in ``folder``."""
    benchmark_bibtex = _benchmark_bibtex(folder)
    ceilings = _ceilings(folder)
    scores = [
        _score(fields, ceilings, benchmark_bibtex)
        for fields in _fields(folder / "fixture-scores.json")
        if not _is_test_entry(fields["model"])
    ]
    scored = {score.model for score in scores}
    models = [m for m in _models(folder) if m.name in scored]
    return PublishedResults(
        SOURCE, LEADERBOARD_2019_CITATION, LEADERBOARD_2019_BIBTEX, models, scores
    )


def model_bibtex_by_url(folder: Path) -> dict[str, str]:
    """BibTeX of the fixtures' model references, by URL (also used for the paper's table)."""
    return {f["url"]: f["bibtex"] for f in _fields(folder / "fixture-modelreferences.json")}


def _fields(path: Path) -> list[dict[str, Any]]:
    return [record["fields"] for record in json.loads(path.read_text())]


def _is_test_entry(model_key: list[str]) -> bool:
    return model_key[0] in TEST_MODELS or any(owner in TEST_OWNERS for owner in model_key[1:])


def _models(folder: Path) -> list[PublishedModel]:
    bibtex = model_bibtex_by_url(folder)
    seen: dict[str, PublishedModel] = {}
    for fields in _fields(folder / "fixture-models.json"):
        url = (fields.get("reference") or [None])[0]
        model = PublishedModel(
            name=fields["name"], source=SOURCE, reference_url=url, bibtex=bibtex.get(url or "")
        )
        seen.setdefault(model.name, model)
    return list(seen.values())


def _ceilings(folder: Path) -> dict[str, tuple[float | None, float | None]]:
    return {
        current_benchmark_identifier(f["benchmark_type"]): (
            _finite(f["ceiling"]),
            _finite(f["ceiling_error"]),
        )
        for f in _fields(folder / "fixture-benchmarkinstances.json")
    }


def _benchmark_bibtex(folder: Path) -> dict[str, str]:
    by_url = {f["url"]: f["bibtex"] for f in _fields(folder / "fixture-benchmarkreferences.json")}
    return {
        current_benchmark_identifier(f["identifier"]): by_url.get(f["reference"][0], "")
        for f in _fields(folder / "fixture-benchmarktypes.json")
        if f.get("reference")
    }


def _score(
    fields: dict[str, Any],
    ceilings: dict[str, tuple[float | None, float | None]],
    benchmark_bibtex: dict[str, str],
) -> PublishedScore:
    source_id, version = fields["benchmark"]
    benchmark = current_benchmark_identifier(source_id)
    ceiling, ceiling_error = ceilings.get(benchmark, (None, None))
    return PublishedScore(
        model=fields["model"][0],
        benchmark=benchmark,
        source=SOURCE,
        source_benchmark=source_id,
        raw=_finite(fields["score_raw"]),
        ceiled=_finite(fields["score_ceiled"]),
        error=_finite(fields["error"]),
        ceiling=ceiling,
        ceiling_error=ceiling_error,
        version=int(version),
        citation=LEADERBOARD_2019_CITATION,
        bibtex=benchmark_bibtex.get(benchmark, ""),
    )


def _finite(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)
