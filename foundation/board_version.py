"""The board version: counters that the database itself bumps on every write that can change what
anyone sees on the leaderboard, in the writing transaction: ``version`` for the models, users,
benchmarks and submissions (who is listed, under which name, to whom), ``scores_version`` for
the scores (the values shown).

Caches of the board are keyed on ``(instance, version, scores_version)``, never on counts or
largest ids: a
deleted row's id can be reused (SQLite does), and a count can come back to an earlier value.
Triggers, not ORM hooks, do the bumping, so bulk statements, raw SQL, other processes and other
programs cannot bypass them. ``instance`` is random per database, so a database recreated under
the same URL (version back to 0) never meets the cache of its predecessor.

PostgreSQL: one statement-level BEFORE trigger per table and operation (TRUNCATE too). It takes
the counter row's lock before the statement locks any row, so concurrent writers of the board
queue on it in one order; the bump becomes visible exactly when the transaction commits.
SQLite: row-level AFTER triggers (SQLite has no statement triggers; its writers are serialized
anyway).

Batch migrations on SQLite copy a table and drop the original, and its triggers with it: the
migration environment calls ``install_triggers`` after every upgrade, and it is idempotent.
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

TABLE = "board_version"
WATCHED_TABLES = ("models", "scores", "benchmarks", "users", "submissions")
_OPERATIONS = ("insert", "update", "delete")
_FUNCTION = "ventral_bump_board_version"


class BoardVersion(NamedTuple):
    instance: str
    version: int
    scores_version: int


def new_instance() -> str:
    return uuid.uuid4().hex


def install_triggers(connection: Connection) -> None:
    """Creates every missing trigger (and the counter's row); a no-op where the counter table
    does not exist (before this migration, or after its downgrade)."""
    if not sa.inspect(connection).has_table(TABLE):
        return
    if connection.execute(sa.text(f"SELECT count(*) FROM {TABLE}")).scalar_one() == 0:
        connection.execute(
            sa.text(
                f"INSERT INTO {TABLE} (id, instance, version, scores_version) "
                "VALUES (1, :instance, 0, 0)"
            ),
            {"instance": new_instance()},
        )
    if connection.dialect.name == "postgresql":
        _install_postgresql(connection)
    else:
        _install_sqlite(connection)


def drop_triggers(connection: Connection) -> None:
    for name, table in _named_triggers():
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
        else:
            connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {name}"))
    if connection.dialect.name == "postgresql":
        for table in WATCHED_TABLES:
            connection.execute(
                sa.text(f"DROP TRIGGER IF EXISTS {TABLE}_{table}_truncate ON {table}")
            )
        for column in ("version", "scores_version"):
            connection.execute(sa.text(f"DROP FUNCTION IF EXISTS {_FUNCTION}_{column}()"))


def _named_triggers() -> list[tuple[str, str]]:
    return [
        (f"{TABLE}_{table}_{operation}", table)
        for table in WATCHED_TABLES
        for operation in _OPERATIONS
    ]


def _column(table: str) -> str:
    return "scores_version" if table == "scores" else "version"


def _bump(column: str) -> str:
    return f"UPDATE {TABLE} SET {column} = {column} + 1 WHERE id = 1"


def _install_postgresql(connection: Connection) -> None:
    for column in ("version", "scores_version"):
        connection.execute(
            sa.text(
                f"CREATE OR REPLACE FUNCTION {_FUNCTION}_{column}() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {_bump(column)}; RETURN NULL; END $$"
            )
        )
    existing = set(connection.execute(sa.text("SELECT tgname FROM pg_trigger")).scalars())
    for table in WATCHED_TABLES:
        for operation in (*_OPERATIONS, "truncate"):
            name = f"{TABLE}_{table}_{operation}"
            if name in existing:
                continue
            connection.execute(
                sa.text(
                    f"CREATE TRIGGER {name} BEFORE {operation.upper()} ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}_{_column(table)}()"
                )
            )


def _install_sqlite(connection: Connection) -> None:
    for name, table in _named_triggers():
        operation = name.rsplit("_", 1)[1].upper()
        connection.execute(
            sa.text(
                f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {operation} ON {table} "
                f"BEGIN {_bump(_column(table))}; END"
            )
        )


def read(session: Session) -> BoardVersion:
    """The counter as this transaction sees it. Read it *before* the data it keys: data newer
    than the version read is harmless (the next request sees a newer version), older is not."""
    row = session.execute(
        sa.text(f"SELECT instance, version, scores_version FROM {TABLE} WHERE id = 1")
    ).one()
    return BoardVersion(str(row.instance), int(row.version), int(row.scores_version))
