"""The catalogue's logic: the benchmark tree, model and benchmark details, score rows and
comparisons. Ranks and aggregates come from the leaderboard service, so pages and API agree."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.catalog import repository
from app.catalog.schemas import (
    BenchmarkDetailOut,
    BenchmarkNodeOut,
    BenchmarkOut,
    CompareOut,
    JobSummaryOut,
    ModelDetailOut,
    ModelOut,
    Page,
    RankedModelOut,
    ScoreOut,
)
from app.catalog.visibility import Viewer, is_admin
from app.core.urls import web_url_or_none
from app.leaderboard import service as board
from app.leaderboard.entries import model_entry
from app.leaderboard.schemas import row_out
from foundation.models import Benchmark, Model, Score, ScoreStatus, Source
from scoring.benchmarks.presets import PRESETS, benchmark_tree

MAX_COMPARED = 10


class NotFoundError(LookupError):
    pass


def benchmark_out(
    row: Benchmark, cls: type[BenchmarkOut] = BenchmarkOut, installed: set[str] | None = None
) -> BenchmarkOut:
    """``installed``: the leaves with data here; an aggregate has its data installed only when
    every leaf under it has (its stored flag says nothing)."""
    tree = benchmark_tree()
    data_installed = row.data_installed
    if row.identifier in tree.children:
        data_installed = all(leaf in (installed or set()) for leaf in tree.leaves(row.identifier))
    return cls(
        identifier=row.identifier,
        version=row.version,
        parent=row.parent.identifier if row.parent else None,
        metric=row.metric,
        ceiling=row.ceiling,
        ceiling_error=row.ceiling_error,
        data_installed=data_installed,
        synthetic=row.synthetic,
        reference=web_url_or_none(row.reference),
        description=row.description,
        n_stimuli=row.n_stimuli,
        n_sites=row.n_sites,
        is_aggregate=row.identifier in benchmark_tree().children,
    )


def _installed_leaves(rows: Sequence[Benchmark]) -> set[str]:
    aggregates = benchmark_tree().children
    return {r.identifier for r in rows if r.data_installed and r.identifier not in aggregates}


def benchmark_forest(session: Session) -> list[BenchmarkNodeOut]:
    """Every benchmark as a tree by stored parent; roots first in catalogue order."""
    rows = repository.benchmarks(session)
    installed = _installed_leaves(rows)
    nodes = {row.id: benchmark_out(row, BenchmarkNodeOut, installed) for row in rows}
    roots = []
    for row in rows:
        node = nodes[row.id]
        assert isinstance(node, BenchmarkNodeOut)
        parent = nodes.get(row.parent_id) if row.parent_id else None
        if isinstance(parent, BenchmarkNodeOut):
            parent.children.append(node)
        else:
            roots.append(node)
    return roots


def benchmark_detail(session: Session, viewer: Viewer, identifier: str) -> BenchmarkDetailOut:
    row = repository.benchmark(session, identifier)
    if row is None:
        raise NotFoundError(f"no benchmark {identifier!r}")
    preset = preset_showing(identifier)
    installed = _installed_leaves(repository.benchmarks(session))
    return BenchmarkDetailOut(
        **benchmark_out(row, installed=installed).model_dump(),
        bibtex=row.bibtex,
        children=list(benchmark_tree().children.get(identifier, ())),
        preset=preset or "",
        ranking=_ranking(session, viewer, row, preset),
    )


def preset_showing(identifier: str) -> str | None:
    """The preset whose columns hold ``identifier`` (the leaderboard one first)."""
    for name in ("leaderboard", *PRESETS):
        columns = board.columns(benchmark_tree(), PRESETS[name])
        if identifier in {column.identifier for column in columns}:
            return name
    return None


def _ranking(
    session: Session, viewer: Viewer, row: Benchmark, preset: str | None
) -> list[RankedModelOut]:
    if preset is None:
        scores, _ = repository.scores(session, viewer, None, row.identifier, 0, board.MAX_LIMIT)
        return _rank_scores(scores)
    query = board.LeaderboardQuery(
        preset=preset, sort=row.identifier, order="desc", limit=board.MAX_LIMIT
    )
    rows = board.leaderboard(session, viewer, query).rows
    ranked = [r for r in rows if r.values[row.identifier].value is not None]
    return [
        RankedModelOut(
            rank=i,
            model=r.model.name,
            value=r.values[row.identifier].value or 0.0,
            error=_error(r.cells.get(row.identifier)),
        )
        for i, r in enumerate(ranked, start=1)
    ]


def _error(cell: board.Cell | None) -> float | None:
    return cell.error if cell is not None else None


def _rank_scores(scores: Sequence[Score]) -> list[RankedModelOut]:
    valued = [
        (s.model.name, value, s.error)
        for s in scores
        if s.status == ScoreStatus.succeeded and (value := _shown(s)) is not None
    ]
    valued.sort(key=lambda item: -item[1])
    return [
        RankedModelOut(rank=i, model=m, value=v, error=e)
        for i, (m, v, e) in enumerate(valued, start=1)
    ]


def _shown(score: Score) -> float | None:
    return score.ceiled if score.ceiled is not None else score.raw


def model_out(model: Model, cls: type[ModelOut] = ModelOut, **extra: object) -> ModelOut:
    entry = model_entry(model)
    metadata = model.model_metadata or {}
    return cls(
        name=model.name,
        display_name=entry.display_name,
        source=model.source.value,
        origin=entry.origin,
        visibility=model.visibility.value,
        architecture=model.architecture,
        format=model.format,
        family=entry.family,
        depth=entry.depth,
        parameters=entry.parameters,
        training_data=entry.training_data,
        reference=web_url_or_none(metadata.get("reference")),
        created_at=model.created_at,
        **extra,
    )


def list_models(
    session: Session, viewer: Viewer, text: str, source: str, offset: int, limit: int
) -> Page[ModelOut]:
    rows, total = repository.models(session, viewer, text, source, offset, limit)
    return Page[ModelOut](
        total=total, offset=offset, limit=limit, items=[model_out(row) for row in rows]
    )


def model_detail(session: Session, viewer: Viewer, name: str) -> ModelDetailOut:
    model = repository.visible_model(session, viewer, name)
    if model is None:
        raise NotFoundError(f"no model {name!r}")
    metadata = dict(model.model_metadata or {})
    scores = sorted(
        repository.model_scores(session, model.id), key=lambda s: s.benchmark.identifier
    )
    detail = model_out(
        model,
        ModelDetailOut,
        bibtex=metadata.get("bibtex"),
        citation=metadata.get("citation"),
        region_commitments=model.region_commitments or {},
        metadata=metadata,
        ranks={
            preset: model_rank(session, viewer, model.name, preset, model_entry(model).origin)
            for preset in PRESETS
        },
        scores=[score_out(score) for score in scores],
        jobs=_jobs(session, viewer, model),
        weights=describe_weights(model),
    )
    assert isinstance(detail, ModelDetailOut)
    return detail


def describe_weights(model: Model) -> str | None:
    """Weights trained here say how (data, input size, epochs, validation accuracy); a
    registry architecture without weights says that its full recipe needs a GPU worker."""
    weights = (model.model_metadata or {}).get("weights")
    if isinstance(weights, dict) and weights.get("trained_at"):
        classes = weights.get("num_classes")
        data = "CIFAR-10" if classes == 10 else f"{classes} classes"
        text = f"trained here on {data}, {weights.get('input_size')} px, "
        text += f"{weights.get('epochs_done')} epochs (profile {weights.get('profile')})"
        accuracy = weights.get("val_accuracy")
        return text + (f", val accuracy {accuracy:.3f}" if isinstance(accuracy, float) else "")
    if model.format != "builtin" or model.source is not Source.computed:
        return None
    if model.weights_artifact_id is not None:
        return "shipped pretrained weights"
    return "not trained on this installation yet: its full recipe (profile paper) needs a GPU"


def model_rank(
    session: Session, viewer: Viewer, name: str, preset: str, origin: str = ""
) -> int | None:
    """The rank in the preset's view that lists the model: its default sources, or the
    model's own source where that is not one of them."""
    sources = () if origin in ("", *PRESETS[preset].default_sources) else (origin,)
    query = board.LeaderboardQuery(preset=preset, sources=sources, limit=board.MAX_LIMIT)
    for row in board.leaderboard(session, viewer, query).rows:
        if row.model.name == name:
            return row.rank
    return None


def _jobs(session: Session, viewer: Viewer, model: Model) -> list[JobSummaryOut] | None:
    """Job history, for the model's owner and admins only (None: not shown to this viewer)."""
    if not (is_admin(viewer) or (viewer is not None and viewer.id == model.owner_id)):
        return None
    return [
        JobSummaryOut(
            id=job.id,
            kind=job.kind,
            status=job.status.value,
            created_at=job.created_at,
            finished_at=job.finished_at,
            error=job.error,
        )
        for job in repository.model_jobs(session, model.id)
    ]


NOT_INSTALLED = "not installed"
NOT_APPLICABLE = "not applicable"
IMPORT_COMMAND = "ventral data import --assembly F.nc --stimuli F.csv --images F.zip"


def score_state(status: ScoreStatus, details: dict[str, object]) -> str:
    """A failure for missing data is "not installed", one for a benchmark that cannot apply to
    the model (no layer for its region) "not applicable": nothing went wrong with the model."""
    reason = str(details.get("reason") or "")
    if status is ScoreStatus.failed and reason.startswith("data not installed"):
        return NOT_INSTALLED
    if status is ScoreStatus.failed and reason.startswith("not applicable"):
        return NOT_APPLICABLE
    return status.value


def score_out(score: Score) -> ScoreOut:
    details = score.details or {}
    reason = details.get("reason")
    return ScoreOut(
        model=score.model.name,
        benchmark=score.benchmark.identifier,
        version=score.benchmark.version,
        raw=score.raw,
        ceiled=score.ceiled,
        error=score.error,
        ceiling=score.ceiling,
        status=score.status.value,
        source=score.source.value,
        citation=score.citation,
        finished_at=score.finished_at,
        job_id=score.job_id,
        details=details,
        state=score_state(score.status, details),
        reason=str(reason) if reason else None,
    )


def score_rows(
    session: Session,
    viewer: Viewer,
    model: str | None,
    benchmark: str | None,
    offset: int,
    limit: int,
) -> Page[ScoreOut]:
    rows, total = repository.scores(session, viewer, model, benchmark, offset, limit)
    return Page[ScoreOut](
        total=total, offset=offset, limit=limit, items=[score_out(row) for row in rows]
    )


SCORE_CSV_COLUMNS = (
    "model",
    "benchmark",
    "version",
    "raw",
    "ceiled",
    "error",
    "ceiling",
    "status",
    "source",
    "citation",
    "finished_at",
    "job_id",
)


def compare(session: Session, viewer: Viewer, names: Sequence[str], preset: str) -> CompareOut:
    """The named models' leaderboard rows side by side (unknown or hidden names: not found)."""
    wanted = list(dict.fromkeys(names))[:MAX_COMPARED]
    visible = {m.name for m in repository.visible_models_named(session, viewer, wanted)}
    missing = [name for name in wanted if name not in visible]
    if missing:
        raise NotFoundError(f"no model {', '.join(map(repr, missing))}")
    query = board.LeaderboardQuery(preset=preset, sources=("all",), limit=board.MAX_LIMIT)
    result = board.leaderboard(session, viewer, query)
    rows = {row.model.name: row for row in result.rows if row.model.name in visible}
    return CompareOut(
        preset=result.preset.name,
        columns=[column.identifier for column in result.columns],
        rows=[row_out(rows[name], result) for name in wanted],
    )
