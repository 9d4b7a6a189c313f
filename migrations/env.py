"""Alembic environment: the URL comes from the Alembic config if set, else from the settings."""

from __future__ import annotations

from alembic import context

from foundation import board_version
from foundation.config import get_settings
from foundation.db import create_db_engine
from foundation.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_db_engine(url)
    with engine.connect() as connection:
        # Batch mode: SQLite cannot ALTER most things, so later migrations copy tables there.
        context.configure(
            connection=connection, target_metadata=Base.metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
            # A batch migration on SQLite drops a copied table's triggers: put them back.
            board_version.install_triggers(connection)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
