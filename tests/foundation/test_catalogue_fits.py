"""Every registered benchmark's metadata fits the catalogue's columns (PostgreSQL refuses
over-long strings; SQLite would store them, so only this check catches it before a fan-out)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from foundation.models import Benchmark
from scoring.benchmarks import benchmark_info, list_benchmarks


def column_limits() -> dict[str, int]:
    return {
        column.name: column.type.length
        for column in Benchmark.__table__.columns
        if isinstance(column.type, sa.String) and column.type.length is not None
    }


@pytest.mark.parametrize("identifier", list_benchmarks())
def test_benchmark_metadata_fits_its_columns(identifier: str) -> None:
    info = benchmark_info(identifier)
    for column, limit in column_limits().items():
        value = getattr(info, column, None)
        assert value is None or len(str(value)) <= limit, (column, len(str(value)), limit)
