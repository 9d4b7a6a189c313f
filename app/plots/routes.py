"""``/plots`` and ``GET /api/v1/plots[/{name}]`` (JSON, or ``format=csv`` for the points)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.catalog.visibility import Viewer, ViewerDep
from app.core.db import SessionDep
from app.core.templates import templates
from app.exports import service as exports
from app.leaderboard.service import columns
from app.plots import charts, service
from app.plots.schemas import PlotOut, PlotSummaryOut
from scoring.benchmarks.presets import PRESETS, benchmark_tree

api_router = APIRouter(tags=["plots"])
page_router = APIRouter(include_in_schema=False)
POINT_COLUMNS = ("model", "source", "panel", "x", "y")


def plot_request(
    source: Annotated[str, Query(max_length=500, description="sources, commas")] = ",".join(
        service.PAPER_SOURCES
    ),
    preset: str = "paper-2019",
    x: Annotated[str, Query(max_length=200)] = "ImageNet-top1",
    y: Annotated[str, Query(max_length=200)] = "brain_score_2019",
) -> service.PlotRequest:
    """The query parameters every chart takes (its sources, preset and axes)."""
    sources = tuple(part.strip() for part in source.split(",") if part.strip())
    return service.PlotRequest(sources=sources, preset=preset, x=x, y=y)


PlotRequestDep = Annotated[service.PlotRequest, Depends(plot_request)]


def _plot(session: SessionDep, viewer: Viewer, name: str, request: service.PlotRequest) -> PlotOut:
    try:
        return service.plot(session, viewer, name, request)
    except service.UnknownPlotError as error:
        raise HTTPException(404, str(error)) from None
    except service.PlotParameterError as error:
        raise HTTPException(422, str(error)) from None


@api_router.get("/plots", response_model=list[PlotSummaryOut])
def plots_api(session: SessionDep, viewer: ViewerDep) -> list[PlotSummaryOut]:
    """Every chart, whether it can be drawn here, and why not."""
    return service.summaries(session, viewer)


@api_router.get("/plots/{name}", response_model=PlotOut)
def plot_api(
    name: str,
    session: SessionDep,
    viewer: ViewerDep,
    parameters: PlotRequestDep,
    format: Literal["json", "csv"] = "json",
) -> PlotOut | Response:
    """The data behind one chart: points and the statistics drawn with it."""
    result = _plot(session, viewer, name, parameters)
    if format == "json":
        return result
    lines = ([getattr(point, c) for c in POINT_COLUMNS] for point in result.points)
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    return Response(
        exports.to_csv(POINT_COLUMNS, lines), media_type=exports.CSV_MEDIA_TYPE, headers=headers
    )


@page_router.get("/plots", response_class=HTMLResponse)
def plots_page(
    request: Request, session: SessionDep, viewer: ViewerDep, parameters: PlotRequestDep
) -> HTMLResponse:
    plots = [_plot(session, viewer, name, parameters) for name in service.TITLES]
    context = {
        "plots": [(plot, charts.spec_json(charts.plot_chart(plot))) for plot in plots],
        "request_params": parameters,
        "source": ",".join(parameters.sources),
        "presets": PRESETS,
        "columns": _columns(parameters.preset),
    }
    return templates.TemplateResponse(request, "plots.html", context)


def _columns(preset: str) -> list[str]:
    if preset not in PRESETS:
        return []
    return [column.identifier for column in columns(benchmark_tree(), PRESETS[preset])]
