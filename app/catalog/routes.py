"""Model, benchmark and compare pages, and their API (``/api/v1/benchmarks``, ``/models``,
``/scores``, ``/compare``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.auth.csrf import csrf_token
from app.catalog import service, stimuli
from app.catalog.schemas import (
    BenchmarkDetailOut,
    BenchmarkNodeOut,
    CompareOut,
    ModelDetailOut,
    ModelOut,
    Page,
    ScoreOut,
)
from app.catalog.visibility import ViewerDep, is_admin
from app.core.db import SessionDep
from app.core.templates import templates
from app.exports import service as exports
from app.leaderboard.service import MAX_LIMIT, MAX_OFFSET, UnknownPresetError
from app.plots import charts
from scoring.benchmarks.presets import DEFAULT_PRESET, PRESETS

api_router = APIRouter(tags=["catalogue"])
page_router = APIRouter(include_in_schema=False)
NO_NUL = r"^[^\x00]*$"  # PostgreSQL refuses NUL in text: a 422, not a 500
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Text = Annotated[str, Query(max_length=200, pattern=NO_NUL)]
Name = Annotated[str, Path(max_length=200, pattern=NO_NUL)]


def _not_found(error: service.NotFoundError) -> HTTPException:
    return HTTPException(404, str(error))


@api_router.get("/benchmarks", response_model=list[BenchmarkNodeOut])
def benchmarks_api(session: SessionDep) -> list[BenchmarkNodeOut]:
    """The benchmark tree with ceilings and data availability."""
    return service.benchmark_forest(session)


@api_router.get("/benchmarks/{identifier}", response_model=BenchmarkDetailOut)
def benchmark_api(identifier: Name, session: SessionDep, viewer: ViewerDep) -> BenchmarkDetailOut:
    try:
        return service.benchmark_detail(session, viewer, identifier)
    except service.NotFoundError as error:
        raise _not_found(error) from None


@api_router.get("/models", response_model=Page[ModelOut])
def models_api(
    session: SessionDep,
    viewer: ViewerDep,
    q: Text = "",
    source: Literal["all", "computed", "published"] = "all",
    offset: Offset = 0,
    limit: Limit = 100,
) -> Page[ModelOut]:
    """Public models, and the viewer's own private ones, with metadata."""
    return service.list_models(session, viewer, q, source, offset, limit)


@api_router.get("/models/{name}", response_model=ModelDetailOut)
def model_api(name: Name, session: SessionDep, viewer: ViewerDep) -> ModelDetailOut:
    try:
        return service.model_detail(session, viewer, name)
    except service.NotFoundError as error:
        raise _not_found(error) from None


@api_router.get("/scores", response_model=Page[ScoreOut])
def scores_api(
    session: SessionDep,
    viewer: ViewerDep,
    model: Text = "",
    benchmark: Text = "",
    format: Literal["json", "csv"] = "json",
    offset: Offset = 0,
    limit: Limit = 1000,
) -> Page[ScoreOut] | Response:
    """Score rows, filtered by model and/or benchmark."""
    page = service.score_rows(session, viewer, model or None, benchmark or None, offset, limit)
    if format == "json":
        return page
    rows = ([getattr(item, c) for c in service.SCORE_CSV_COLUMNS] for item in page.items)
    text = exports.to_csv(service.SCORE_CSV_COLUMNS, rows)
    headers = {"Content-Disposition": 'attachment; filename="scores.csv"'}
    return Response(text, media_type=exports.CSV_MEDIA_TYPE, headers=headers)


@api_router.get("/compare", response_model=CompareOut)
def compare_api(
    session: SessionDep,
    viewer: ViewerDep,
    models: Annotated[str, Query(max_length=2000)],
    preset: str = DEFAULT_PRESET,
) -> CompareOut:
    """The named models' leaderboard rows side by side (``models=a,b``)."""
    return _compare(session, viewer, models, preset)


def _compare(session: SessionDep, viewer: ViewerDep, models: str, preset: str) -> CompareOut:
    names = [name.strip() for name in models.split(",") if name.strip()]
    if not names:
        raise HTTPException(422, "models: give at least one model name")
    try:
        return service.compare(session, viewer, names, preset)
    except service.NotFoundError as error:
        raise _not_found(error) from None
    except UnknownPresetError as error:
        raise HTTPException(422, str(error)) from None


@page_router.get("/models/{name}", response_class=HTMLResponse)
def model_page(
    request: Request, name: Name, session: SessionDep, viewer: ViewerDep
) -> HTMLResponse:
    detail = model_api(name, session, viewer)
    context = {
        "model": detail,
        "chart": charts.spec_json(charts.model_scores_chart(detail)),
        "admin": is_admin(viewer),
        "import_command": service.IMPORT_COMMAND,
        "csrf_token": csrf_token(request) if is_admin(viewer) else None,
    }
    return templates.TemplateResponse(request, "model.html", context)


@page_router.get("/benchmarks/{identifier}", response_class=HTMLResponse)
def benchmark_page(
    request: Request, identifier: Name, session: SessionDep, viewer: ViewerDep
) -> HTMLResponse:
    detail = benchmark_api(identifier, session, viewer)
    context = {"benchmark": detail, "stimuli": stimuli.sample_stimuli(identifier)}
    return templates.TemplateResponse(request, "benchmark.html", context)


@page_router.get("/benchmarks/{identifier}/stimuli/{stimulus_id}")
def stimulus_file(
    identifier: Name, stimulus_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,200}$")]
) -> Response:
    """One sample image of an installed stimulus set."""
    found = stimuli.stimulus_image(identifier, stimulus_id)
    if found is None:
        raise HTTPException(404, f"no stimulus {stimulus_id!r} in {identifier!r}")
    data, media_type = found
    return Response(data, media_type=media_type, headers={"Cache-Control": "max-age=86400"})


@page_router.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    models: Annotated[str, Query(max_length=2000)] = "",
    preset: str = DEFAULT_PRESET,
) -> HTMLResponse:
    comparison = _compare(session, viewer, models, preset) if models.strip() else None
    context = {
        "comparison": comparison,
        "models": models,
        "presets": PRESETS,
        "preset": preset,
        "chart": charts.spec_json(charts.compare_chart(comparison)) if comparison else None,
    }
    return templates.TemplateResponse(request, "compare.html", context)
