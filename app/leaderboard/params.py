"""The leaderboard query as URL parameters, shared by the page, the API and the exports."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query

from app.leaderboard.service import MAX_LIMIT, MAX_OFFSET, LeaderboardQuery


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


async def leaderboard_query(  # async: pure parsing, no thread-pool hop
    preset: Annotated[
        str,
        Query(description="leaderboard | paper-2019 | offline; empty: this installation's default"),
    ] = "",
    source: Annotated[
        str,
        Query(
            description="all | computed | published | a published source key; commas; "
            "empty: the preset's default sources"
        ),
    ] = "",
    exclude: Annotated[str, Query(description="benchmark ids to leave out, commas")] = "",
    q: Annotated[str, Query(max_length=200, description="text filter on the model")] = "",
    family: Annotated[str, Query(max_length=100)] = "",
    training_data: Annotated[str, Query(max_length=100)] = "",
    min_depth: float | None = None,
    max_depth: float | None = None,
    min_parameters: float | None = None,
    max_parameters: float | None = None,
    sort: Annotated[str, Query(max_length=200, description="rank, model or a column id")] = "rank",
    order: Literal["asc", "desc"] = "asc",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> LeaderboardQuery:
    return LeaderboardQuery(
        preset=preset,
        sources=_split(source),
        exclude=_split(exclude),
        text=q,
        family=family,
        training_data=training_data,
        min_depth=min_depth,
        max_depth=max_depth,
        min_parameters=min_parameters,
        max_parameters=max_parameters,
        sort=sort or "rank",
        order=order,
        offset=offset,
        limit=limit,
    )


QueryDep = Annotated[LeaderboardQuery, Depends(leaderboard_query)]


def query_params(query: LeaderboardQuery, **changes: object) -> dict[str, str]:
    """The non-default URL parameters of ``query`` with ``changes`` applied."""
    values: dict[str, object] = {
        "preset": query.preset,
        "source": ",".join(query.sources),
        "exclude": ",".join(query.exclude),
        "q": query.text,
        "family": query.family,
        "training_data": query.training_data,
        "min_depth": query.min_depth,
        "max_depth": query.max_depth,
        "min_parameters": query.min_parameters,
        "max_parameters": query.max_parameters,
        "sort": query.sort,
        "order": query.order,
    }
    values.update(changes)
    defaults = {"sort": "rank", "order": "asc"}
    return {
        key: _text(value)
        for key, value in values.items()
        if value not in (None, "") and defaults.get(key) != value
    }


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
