"""The plots' API shapes."""

from __future__ import annotations

from pydantic import BaseModel


class CorrelationOut(BaseModel):
    """Pearson r over ``n`` models with its two-sided p value (None if n < 3)."""

    label: str
    r: float | None
    p: float | None
    n: int


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
