"""The data behind each chart, from the leaderboard service (so visibility rules hold).

Figure 1's statistics go through ``scoring.published.statistics``: the paper composite and its
Pearson correlation with ImageNet top-1 below / above 70 %, on the values stored here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from app.catalog import repository as catalogue
from app.catalog.visibility import Viewer
from app.leaderboard import service as board
from app.leaderboard.service import LeaderboardRow
from app.plots.schemas import CorrelationOut, PlotOut, PlotSummaryOut, PointOut
from foundation.models import ScoreStatus
from scoring.benchmarks.presets import get_preset
from scoring.published import statistics
from scoring.published.statistics import FIGURE_2_EXCLUDED, FIGURE_2_PAPER, imagenet_correlation

PAPER_SOURCES = ("neurips2019-table", "computed")
IMAGENET_SPLIT = 0.7
Getter = Callable[[LeaderboardRow], float | None]


class UnknownPlotError(LookupError):
    pass


class PlotParameterError(ValueError):
    pass


@dataclass(frozen=True)
class PlotRequest:
    sources: tuple[str, ...] = PAPER_SOURCES
    preset: str = "paper-2019"
    x: str = "ImageNet-top1"
    y: str = "brain_score_2019"


def rows(
    session: Session, viewer: Viewer, request: PlotRequest, preset: str = ""
) -> list[LeaderboardRow]:
    query = board.LeaderboardQuery(
        preset=preset or request.preset, sources=request.sources, limit=board.MAX_LIMIT
    )
    return board.leaderboard(session, viewer, query).rows


def value_of(column: str) -> Getter:
    return lambda row: row.values[column].value if column in row.values else None


def complete(column: str) -> Getter:
    """The aggregate only where every child has a value (the composite rule of the tree)."""

    def get(row: LeaderboardRow) -> float | None:
        node = row.values.get(column)
        return node.value if node is not None and node.complete else None

    return get


def extra(name: str) -> Getter:
    return lambda row: row.model.extras.get(name)


def depth(row: LeaderboardRow) -> float | None:
    return row.model.depth


def points(
    source_rows: Sequence[LeaderboardRow], x: Getter, y: Getter, panel: str = ""
) -> list[PointOut]:
    found = []
    for row in source_rows:
        xv, yv = x(row), y(row)
        if xv is not None and yv is not None:
            found.append(
                PointOut(model=row.model.name, source=row.model.origin, x=xv, y=yv, panel=panel)
            )
    return found


def pearson(label: str, found: Sequence[PointOut]) -> CorrelationOut:
    """No r below ``statistics.MIN_MODELS`` points (the reason says so)."""
    result = statistics.pearson([p.x for p in found], [p.y for p in found])
    if result is None:
        reason = (
            f"not drawn: {len(found)} models, fewer than {statistics.MIN_MODELS}"
            if len(found) < statistics.MIN_MODELS
            else "not drawn: one side is constant"
        )
        return CorrelationOut(label=label, r=None, p=None, n=len(found), reason=reason)
    return CorrelationOut(label=label, r=result.r, p=result.p, n=result.n)


def brainscore_vs_imagenet(session: Session, viewer: Viewer, request: PlotRequest) -> PlotOut:
    """Figure 1: the paper composite against ImageNet top-1, r below and above 70 %."""
    found_rows = rows(session, viewer, request, "paper-2019")
    found = points(found_rows, value_of("ImageNet-top1"), complete("brain_score_2019"))
    table = _paper_table(found_rows)
    statistics = [
        _imagenet_r(table, f"ImageNet top-1 < {IMAGENET_SPLIT:.0%}", below=IMAGENET_SPLIT),
        _imagenet_r(table, f"ImageNet top-1 ≥ {IMAGENET_SPLIT:.0%}", above=IMAGENET_SPLIT),
        pearson("all models", found),
    ]
    return _plot(
        "brainscore-vs-imagenet", "ImageNet top-1", "Brain-Score (paper-2019)", found, statistics
    )


def _paper_table(source_rows: Sequence[LeaderboardRow]) -> pd.DataFrame:
    columns = {
        "V4": "MajajHong2015.V4-pls",
        "IT": "MajajHong2015.IT-pls",
        "Behavior": "Rajalingham2018-i2n",
        "OST": "Kar2019-ost",
        "ImageNet": "ImageNet-top1",
    }
    return pd.DataFrame(
        {name: [row.values[c].value for row in source_rows] for name, c in columns.items()},
        index=[row.model.name for row in source_rows],
        dtype=float,
    )


def _imagenet_r(
    table: pd.DataFrame, label: str, below: float | None = None, above: float | None = None
) -> CorrelationOut:
    try:
        result = imagenet_correlation(table, below=below, above=above)
    except ValueError as error:  # too few models in the range
        return CorrelationOut(label=label, r=None, p=None, n=0, reason=f"not drawn: {error}")
    return CorrelationOut(label=label, r=result.r, p=result.p, n=result.n)


REAL_PRESET = "real-offline"
SAMPLE_TOP1 = "ImageNet-sample-top1"
"""ImageNet top-1 on the 1,000 ImageNet sample images (one per class), computed here."""


def real_vs_imagenet_sample(session: Session, viewer: Viewer, request: PlotRequest) -> PlotOut:
    """A small Figure 1 computed here: the real offline composite (real-offline preset's
    headline, ceiled; complete composites only) against ImageNet-sample top-1, over the
    ImageNet-trained models scored here."""
    headline = get_preset(REAL_PRESET).headline
    x_label, y_label = "ImageNet-sample top-1", f"real brains ({headline}, {REAL_PRESET})"
    benchmark = catalogue.benchmark(session, SAMPLE_TOP1)
    if benchmark is None:
        needs = (
            f"This plot needs the benchmark {SAMPLE_TOP1} (top-1 on the ImageNet sample "
            "images), which this installation does not have: no model's ImageNet accuracy "
            "can be drawn against its real-brain composite."
        )
        return _plot("real-vs-imagenet-sample", x_label, y_label, [], [], needs)
    scores, _ = catalogue.scores(session, viewer, None, SAMPLE_TOP1, 0, board.MAX_LIMIT)
    top1 = {
        s.model.name: s.raw
        for s in scores
        if s.status == ScoreStatus.succeeded
        and s.raw is not None
        and s.benchmark_id == benchmark.id
    }
    query = board.LeaderboardQuery(
        preset=REAL_PRESET, sources=("computed",), training_data="ImageNet", limit=board.MAX_LIMIT
    )
    found_rows = board.leaderboard(session, viewer, query).rows
    found = points(found_rows, lambda row: top1.get(row.model.name), complete(headline))
    reason: str | None = None
    if not found:
        reason = (
            "No ImageNet-trained model scored here has both an ImageNet-sample top-1 and a "
            f"complete {REAL_PRESET} composite yet (the first run scores the reference models)."
        )
    return _plot(
        "real-vs-imagenet-sample",
        x_label,
        y_label,
        found,
        [pearson("ImageNet models", found)],
        reason,
    )


GENERALIZATION_PANELS = (
    ("IT vs IT (new neurons)", "MajajHong2015.IT-pls", "IT (new data)"),
    ("IT vs IT (new images)", "MajajHong2015.IT-pls", "IT (new images)"),
    ("Behavior vs Behavior (new data)", "Rajalingham2018-i2n", "Behavior (new data)"),
)


def generalization(session: Session, viewer: Viewer, request: PlotRequest) -> PlotOut:
    """Figure 2: scores on the benchmark against new neurons, new images, new behavior; and
    Brain-Score against CIFAR-100 transfer. CORnet-S is excluded, as in the paper; each r is
    printed beside the paper's."""
    found_rows = [
        row for row in rows(session, viewer, request, "paper-2019") if not _figure_2_excluded(row)
    ]
    panels = [
        points(found_rows, value_of(b), extra(e), label) for label, b, e in GENERALIZATION_PANELS
    ]
    panels.append(
        points(
            found_rows,
            complete("brain_score_2019"),
            value_of("CIFAR100-transfer"),
            "Brain-Score vs CIFAR-100",
        )
    )
    labels = [label for label, _, _ in GENERALIZATION_PANELS] + ["Brain-Score vs CIFAR-100"]
    correlations = [
        _with_paper(pearson(label, panel)) for label, panel in zip(labels, panels, strict=True)
    ]
    found = [point for panel in panels for point in panel]
    return _plot("generalization", "original benchmark", "generalization test", found, correlations)


def _figure_2_excluded(row: LeaderboardRow) -> bool:
    excluded = {name.lower() for name in FIGURE_2_EXCLUDED}
    names = {row.model.display_name, (row.model.architecture or "").replace("_", "-")}
    return bool({name.lower() for name in names} & excluded)


def _with_paper(correlation: CorrelationOut) -> CorrelationOut:
    paper = FIGURE_2_PAPER.get(correlation.label)
    if paper is None:
        return correlation
    return correlation.model_copy(update={"paper_r": paper.r, "paper_n": paper.n})


DEPTH_PANELS = (
    ("Brain-Score", complete("brain_score_2019")),
    ("ImageNet top-1", value_of("ImageNet-top1")),
    ("CIFAR-100 transfer", value_of("CIFAR100-transfer")),
)


def depth_panels(session: Session, viewer: Viewer, request: PlotRequest) -> PlotOut:
    """Figure 3: depth against Brain-Score, ImageNet top-1 and CIFAR-100 transfer."""
    found_rows = rows(session, viewer, request, "paper-2019")
    panels = [points(found_rows, depth, getter, label) for label, getter in DEPTH_PANELS]
    statistics = [
        pearson(f"depth vs {label}", panel)
        for (label, _), panel in zip(DEPTH_PANELS, panels, strict=True)
    ]
    found = [point for panel in panels for point in panel]
    return _plot("depth", "depth (layers on the longest path)", "score", found, statistics)


def benchmark_vs_benchmark(session: Session, viewer: Viewer, request: PlotRequest) -> PlotOut:
    """Any column of a preset (leaf or aggregate) against any other."""
    found_rows = rows(session, viewer, request)
    known = set(found_rows[0].values) if found_rows else set()
    for column in (request.x, request.y):
        if found_rows and column not in known:
            raise PlotParameterError(f"unknown column {column!r} in preset {request.preset!r}")
    found = points(found_rows, value_of(request.x), value_of(request.y))
    return _plot(
        "benchmark-vs-benchmark",
        request.x,
        request.y,
        found,
        [pearson(f"{request.y} vs {request.x}", found)],
    )


def circuitry(session: Session, viewer: Viewer, request: PlotRequest) -> PlotOut:
    """Figure 4: change in accuracy and Brain-Score of each CORnet-S circuitry variant against
    the model it varies (computed models only)."""
    found_rows = rows(session, viewer, PlotRequest(sources=("computed",)), "paper-2019")
    by_architecture = {row.model.architecture: row for row in found_rows if row.model.architecture}
    found = []
    for row in found_rows:
        base = by_architecture.get(row.model.variant_of or "")
        delta = _deltas(row, base) if base is not None else None
        if delta is not None:
            found.append(PointOut(model=row.model.name, source="computed", x=delta[0], y=delta[1]))
    reason = (
        None
        if found
        else (
            "No circuitry study results yet: no computed CORnet-S variant has an accuracy and a "
            "Brain-Score alongside a computed CORnet-S (score the variants to draw Figure 4)."
        )
    )
    plot = _plot("circuitry", "Δ accuracy", "Δ Brain-Score", found, [], reason)
    return plot


def _deltas(row: LeaderboardRow, base: LeaderboardRow) -> tuple[float, float] | None:
    """(Δ accuracy, Δ brain score): ImageNet top-1 and the paper composite where both models
    have them, else the offline suite's CIFAR-10 top-1 and CIFAR10H-i2n."""
    pairs = (("ImageNet-top1", "brain_score_2019"), ("CIFAR10-top1", "CIFAR10H-i2n"))
    for accuracy, brain in pairs:
        values = [_raw(r, c) for r in (row, base) for c in (accuracy, brain)]
        if all(v is not None for v in values):
            a, b, base_a, base_b = (float(v or 0.0) for v in values)
            return a - base_a, b - base_b
    return None


def _raw(row: LeaderboardRow, column: str) -> float | None:
    if column in row.values:
        return row.values[column].value
    cell = row.cells.get(column)
    return cell.raw if cell is not None and cell.status.value == "succeeded" else None


def ost(session: Session, viewer: Viewer, request: PlotRequest) -> PlotOut:
    """Figure 5: model OST against monkey OST per image, when Kar2019 data are installed and a
    computed Kar2019-ost score stored its per-image values (details ``per_image_ost``)."""
    benchmark = catalogue.benchmark(session, "Kar2019-ost")
    if benchmark is None or not benchmark.data_installed:
        reason = (
            "Kar2019 data are not installed here (benchmark Kar2019-ost has no data), so "
            "no model OST can be computed; published Kar2019 scores carry no per-image "
            "values."
        )
        return _plot("ost", "monkey OST (ms)", "model OST (ms)", [], [], reason)
    missing: str | None
    scores, _ = catalogue.scores(session, viewer, None, "Kar2019-ost", 0, board.MAX_LIMIT)
    found = [
        PointOut(model=s.model.name, source=s.source.value, x=monkey, y=model)
        for s in scores
        for monkey, model in _per_image(s.details)
    ]
    missing = None if found else "No computed Kar2019-ost score has per-image OSTs yet."
    return _plot(
        "ost", "monkey OST (ms)", "model OST (ms)", found, [pearson("all", found)], missing
    )


def _per_image(details: dict[str, object]) -> list[tuple[float, float]]:
    values = details.get("per_image_ost")
    if not isinstance(values, dict):
        return []
    monkey, model = values.get("monkey", []), values.get("model", [])
    return [
        (float(a), float(b))
        for a, b in zip(monkey, model, strict=False)
        if a is not None and b is not None
    ]


TITLES = {
    "brainscore-vs-imagenet": (
        "Brain-Score vs ImageNet top-1 (paper Figure 1)",
        brainscore_vs_imagenet,
    ),
    "generalization": (
        "Generalization to new neurons, images and behavior (paper Figure 2)",
        generalization,
    ),
    "depth": ("Depth vs Brain-Score, ImageNet and CIFAR-100 (paper Figure 3)", depth_panels),
    "circuitry": ("CORnet-S circuitry study (paper Figure 4)", circuitry),
    "ost": ("Model OST vs monkey OST (paper Figure 5)", ost),
    "real-vs-imagenet-sample": (
        "Real brains vs ImageNet-sample top-1 (a small Figure 1 computed here)",
        real_vs_imagenet_sample,
    ),
    "benchmark-vs-benchmark": ("Any benchmark vs any benchmark", benchmark_vs_benchmark),
}


def plot(session: Session, viewer: Viewer, name: str, request: PlotRequest) -> PlotOut:
    try:
        _, build = TITLES[name]
    except KeyError:
        raise UnknownPlotError(f"unknown plot {name!r}; known: {', '.join(TITLES)}") from None
    try:
        return build(session, viewer, request)
    except (board.UnknownPresetError, board.UnknownColumnError) as error:
        raise PlotParameterError(str(error)) from None


def summaries(session: Session, viewer: Viewer) -> list[PlotSummaryOut]:
    found = []
    for name, (title, _) in TITLES.items():
        result = plot(session, viewer, name, PlotRequest())
        found.append(
            PlotSummaryOut(name=name, title=title, available=result.available, reason=result.reason)
        )
    return found


def _plot(
    name: str,
    x: str,
    y: str,
    found: list[PointOut],
    statistics: list[CorrelationOut],
    reason: str | None = None,
) -> PlotOut:
    title, build = TITLES[name]
    if reason is None and not found:
        reason = "No model in this view has both values."
    return PlotOut(
        name=name,
        title=title,
        description=(build.__doc__ or "").strip(),
        x=x,
        y=y,
        available=bool(found),
        reason=reason,
        points=found,
        statistics=statistics,
    )
