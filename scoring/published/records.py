"""Plain records for published scores, independent of any storage."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PublishedModel:
    """A model as a publication lists it, with whatever metadata the source gives."""

    name: str
    source: str
    reference_url: str | None = None
    bibtex: str | None = None
    depth: float | None = None
    imagenet_top1: float | None = None
    extras: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishedScore:
    """One published model × benchmark value, keyed by our benchmark identifier.

    ``source_benchmark`` keeps the name the source used (a column or a 2019 identifier).
    Values the source does not give (a ceiling, an error, a NaN score) are ``None``.
    """

    model: str
    benchmark: str
    source: str
    source_benchmark: str
    raw: float | None
    ceiled: float | None
    error: float | None = None
    ceiling: float | None = None
    ceiling_error: float | None = None
    version: int | None = None
    citation: str = ""
    bibtex: str = ""


@dataclass(frozen=True)
class PublishedResults:
    """What one importer produced: the models and their scores."""

    source: str
    citation: str
    bibtex: str
    models: list[PublishedModel]
    scores: list[PublishedScore]

    def score(self, model: str, benchmark: str) -> PublishedScore:
        for record in self.scores:
            if record.model == model and record.benchmark == benchmark:
                return record
        raise KeyError(f"no published score for {model!r} on {benchmark!r} in {self.source}")
