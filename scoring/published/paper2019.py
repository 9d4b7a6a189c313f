"""Importer for the NeurIPS 2019 paper's per-model table (dicarlolab/neurips2019 data/data.csv).

The table gives raw (unceiled) scores only; ceilings and errors are not in it, so they stay
``None``. The engineering columns (ImageNet, CIFAR-100) have no ceiling: ceiled = raw.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from scoring.published.citations import PAPER_2019_BIBTEX, PAPER_2019_CITATION
from scoring.published.identifiers import PAPER_COLUMNS
from scoring.published.records import PublishedModel, PublishedResults, PublishedScore

SOURCE = "neurips2019-table"
UNCEILED_BENCHMARKS = frozenset({"ImageNet-top1", "CIFAR100-transfer"})
EXTRA_COLUMNS = (
    "IT (new data)",
    "IT (new images)",
    "Behavior (new data)",
    "V4 (early)",
    "V4 (late)",
    "IT (early)",
    "IT (late)",
    "Brain-Score",
    "V4 number of features",
    "IT number of features",
)


def load_paper_table(path: Path) -> pd.DataFrame:
    """The table as published: one row per model (243), indexed by ``Model``."""
    table = pd.read_csv(path)
    if table["Model"].duplicated().any():
        raise ValueError(f"{path}: duplicate model names")
    return table.set_index("Model")


def paper_records(path: Path, model_bibtex: dict[str, str] | None = None) -> PublishedResults:
    """Models and scores of the paper's table; ``model_bibtex`` maps a paper URL to BibTeX."""
    table = load_paper_table(path)
    bibtex_by_url = model_bibtex or {}
    models = [_model(name, row, bibtex_by_url) for name, row in table.iterrows()]
    scores = [
        score
        for name, row in table.iterrows()
        for column in PAPER_COLUMNS
        if (score := _score(str(name), column, row[column])) is not None
    ]
    return PublishedResults(SOURCE, PAPER_2019_CITATION, PAPER_2019_BIBTEX, models, scores)


def _model(name: object, row: pd.Series, bibtex_by_url: dict[str, str]) -> PublishedModel:
    url = _text(row["Paper"])
    return PublishedModel(
        name=str(name),
        source=SOURCE,
        reference_url=url,
        bibtex=bibtex_by_url.get(url) if url else None,
        depth=_number(row["Depth"]),
        imagenet_top1=_number(row["ImageNet"]),
        extras={col: v for col in EXTRA_COLUMNS if (v := _number(row[col])) is not None},
    )


def _score(model: str, column: str, value: object) -> PublishedScore | None:
    raw = _number(value)
    if raw is None:
        return None
    benchmark = PAPER_COLUMNS[column]
    return PublishedScore(
        model=model,
        benchmark=benchmark,
        source=SOURCE,
        source_benchmark=column,
        raw=raw,
        ceiled=raw if benchmark in UNCEILED_BENCHMARKS else None,
        citation=PAPER_2019_CITATION,
        bibtex=PAPER_2019_BIBTEX,
    )


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
