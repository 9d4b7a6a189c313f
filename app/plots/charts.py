"""Vega-Lite specifications (through altair) of the plots and of the model / compare pages."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pandas as pd

from app.catalog.schemas import CompareOut, ModelDetailOut
from app.plots.schemas import PlotOut

WIDTH = 520  # of a faceted chart's panels and the compare chart (Vega-Lite facets need numbers)
HEIGHT = 420
# A single chart takes its element's width (div.vega is 100% of the page's content column).
FILL = "container"
SOURCE_COLORS = alt.Scale(scheme="tableau10")


def plot_chart(plot: PlotOut) -> dict[str, Any] | None:
    if not plot.points:
        return None
    frame = pd.DataFrame([point.model_dump() for point in plot.points])
    base = alt.Chart(frame)
    tooltip = ["model", "source", alt.Tooltip("x", format=".3f"), alt.Tooltip("y", format=".3f")]
    dots = base.mark_circle(size=55, opacity=0.75).encode(
        x=alt.X("x:Q", title=plot.x, scale=alt.Scale(zero=False)),
        y=alt.Y("y:Q", title=plot.y, scale=alt.Scale(zero=False)),
        color=alt.Color("source:N", scale=SOURCE_COLORS),
        tooltip=[*tooltip, "panel"] if frame["panel"].any() else tooltip,
    )
    if frame["panel"].any():
        chart = (
            dots.properties(width=WIDTH, height=HEIGHT // 1.5)
            .facet(facet=alt.Facet("panel:N", title=None), columns=2)
            .resolve_scale(x="independent", y="independent")
        )
        return _spec(chart)
    layers: list[alt.Chart] = [dots]
    if plot.name == "brainscore-vs-imagenet":
        rule = alt.Chart(pd.DataFrame({"x": [0.7]})).mark_rule(strokeDash=[4, 4], color="#888")
        layers.append(rule.encode(x="x:Q"))
    return _spec(alt.layer(*layers).properties(width=FILL, height=HEIGHT))


ABOVE_CEILING = (
    "ceiled above 1: the raw score exceeds the ceiling, an estimate of the data's own "
    "reliability that is itself noisy (small or synthetic data); kept, not clipped"
)


def error_bar(value: float, error: float | None, scale: float = 1.0) -> tuple[float, float]:
    """value ± error (times ``scale``, the ceiling's factor for a ceiled bar), never outside
    [0, 1] for a bounded score, nor beyond the value itself where it is above 1."""
    half = abs(error or 0.0) * scale
    return max(min(0.0, value), value - half), min(max(1.0, value), value + half)


def _bar(score: Any) -> dict[str, Any] | None:
    ceiled = score.ceiled is not None
    value = score.ceiled if ceiled else score.raw
    if score.status != "succeeded" or value is None:
        return None
    scale = score.ceiled / score.raw if ceiled and score.raw else 1.0
    low, high = error_bar(value, score.error, abs(scale))
    note = ABOVE_CEILING if ceiled and value > 1 else ""
    kind = "ceiled" if ceiled else "raw"
    return {"benchmark": score.benchmark, "value": value, "low": low, "high": high,
            "kind": kind, "note": note}  # fmt: skip


def model_scores_chart(model: ModelDetailOut) -> dict[str, Any] | None:
    """One bar per benchmark (ceiled where known, else raw) with ± error bars."""
    rows = [bar for s in model.scores if (bar := _bar(s)) is not None]
    if not rows:
        return None
    base = alt.Chart(pd.DataFrame(rows)).encode(y=alt.Y("benchmark:N", title=None, sort="-x"))
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title="score"),
        color=alt.Color("kind:N", scale=alt.Scale(domain=["ceiled", "raw"])),
        tooltip=["benchmark", alt.Tooltip("value", format=".3f"), "kind", "note"],
    )
    errors = base.mark_errorbar(ticks=True).encode(x="low:Q", x2="high:Q")
    return _spec(alt.layer(bars, errors).properties(width=FILL, height=24 * len(rows)))


def compare_chart(comparison: CompareOut) -> dict[str, Any] | None:
    rows = [
        {"model": row.model, "column": column, "value": value}
        for row in comparison.rows
        for column in comparison.columns
        if (value := _column_value(row, column)) is not None
    ]
    if not rows:
        return None
    chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            y=alt.Y("model:N", title=None),
            x=alt.X("value:Q", title="score"),
            color="model:N",
            row=alt.Row(
                "column:N",
                title=None,
                sort=comparison.columns,
                header=alt.Header(labelAngle=0, labelAlign="left"),
            ),
            tooltip=["model", "column", alt.Tooltip("value", format=".3f")],
        )
        .properties(width=WIDTH - 120)
    )
    return _spec(chart)


def _column_value(row: Any, column: str) -> float | None:
    if column in row.scores:
        value: float | None = row.scores[column].value
        return value
    node = row.aggregates.get(column)
    return node.value if node is not None else None


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict()
    return spec


_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def spec_json(spec: dict[str, Any] | None) -> str | None:
    """The spec as JSON safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` at all (in
    JSON they occur only inside strings, where the escapes mean the same), so neither ``</script>``
    nor ``<!--`` can change how the HTML parser reads the block."""
    return json.dumps(spec).translate(_SCRIPT_SAFE) if spec is not None else None
