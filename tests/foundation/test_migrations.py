"""The one migration chain builds the models' exact schema on SQLite and on PostgreSQL."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session

from foundation import migrations
from foundation.db import create_db_engine
from foundation.models import Base, Benchmark, Model, Score
from tests.app.services import temporary_postgres_database

TABLES = {
    "users", "api_tokens", "models", "weight_artifacts", "benchmarks", "scores", "jobs",
    "submissions", "board_version", "board_score_changes", "worker_heartbeats", "alembic_version",
}  # fmt: skip


def schema_differences(url: str) -> list[object]:
    engine = create_db_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    return differences


def table_names(url: str) -> set[str]:
    engine = create_db_engine(url)
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    return names


def round_trip(url: str) -> None:
    migrations.upgrade(url)
    assert table_names(url) == TABLES
    assert schema_differences(url) == []
    migrations.downgrade(url, "base")
    assert table_names(url) == {"alembic_version"}
    migrations.upgrade(url)
    assert schema_differences(url) == []


def test_migrations_round_trip_on_sqlite(tmp_path: Path) -> None:
    round_trip(f"sqlite:///{tmp_path / 'ventral.sqlite'}")


def test_migrations_round_trip_on_postgresql() -> None:
    with temporary_postgres_database("ventral_migrations") as url:
        round_trip(url)


def test_one_score_per_model_and_benchmark_version(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ventral.sqlite'}"
    migrations.upgrade(url)
    engine = create_db_engine(url)
    with Session(engine) as session, session.begin():
        model = Model(name="m", format="builtin")
        benchmark = Benchmark(identifier="b", version=1)
        session.add(Score(model=model, benchmark=benchmark))
        session.flush()
        ids = {"model_id": model.id, "benchmark_id": benchmark.id}
    with Session(engine) as session, pytest.raises(sa.exc.IntegrityError):
        session.add(Score(**ids))
        session.commit()
    engine.dispose()
