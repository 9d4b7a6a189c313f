"""The plots' API shapes."""

from __future__ import annotations

from pydantic import BaseModel


class CorrelationOut(BaseModel):
    """Pearson r over ``n`` models with its two-sided p value (None below the minimum n, with
    the ``reason``); ``paper_r`` / ``paper_n``: the paper's value, where the figure is the
    paper's."""

    label: str
    r: float | None
    p: float | None
    n: int
    reason: str | None = None
    paper_r: float | None = None
    paper_n: int | None = None


class PointOut(BaseModel):
    model: str
    source: str
    x: float
    y: float
    panel: str = ""
    error_x: float | None = None
    error_y: float | None = None


class PlotOut(BaseModel):
    name: str
    title: str
    description: str
    x: str
    y: str
    available: bool
    reason: str | None
    points: list[PointOut]
    statistics: list[CorrelationOut]


class PlotSummaryOut(BaseModel):
    name: str
    title: str
    available: bool
    reason: str | None
