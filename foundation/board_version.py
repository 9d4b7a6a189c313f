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

Every score written also leaves a row in ``board_score_changes`` (its model id and the scores
version it was written under), so a cache can reload only the models whose scores changed
since its version: writers queue on the counter row, so versions follow commit order and
"every change above my version" is exact. Rows older than a day are pruned; a cache older than
an hour rebuilds from scratch.

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
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from foundation.models import BoardScoreChange as Change
from foundation.models import BoardVersion as Counter

TABLE = "board_version"
CHANGES = "board_score_changes"
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
    if connection.execute(sa.select(sa.func.count()).select_from(Counter)).scalar_one() == 0:
        connection.execute(
            sa.insert(Counter).values(id=1, instance=new_instance(), version=0, scores_version=0)
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
        connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {CHANGES}_row ON scores"))
        connection.execute(sa.text(f"DROP FUNCTION IF EXISTS {_FUNCTION}_change()"))
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


def _column(table: str, operation: str = "") -> str:
    # TRUNCATE leaves no rows to log: a full rebuild.
    return "scores_version" if table == "scores" and operation != "truncate" else "version"


def _log(model_id: str) -> str:
    return (
        f"INSERT INTO {CHANGES} (model_id, scores_version, changed_at) "  # noqa: S608 (constants)
        f"SELECT {model_id}, scores_version, CURRENT_TIMESTAMP FROM {TABLE} WHERE id = 1"
    )


def _bump(column: str) -> str:
    return f"UPDATE {TABLE} SET {column} = {column} + 1 WHERE id = 1"  # noqa: S608 (constants)


def _install_postgresql(connection: Connection) -> None:
    for column in ("version", "scores_version"):
        connection.execute(
            sa.text(
                f"CREATE OR REPLACE FUNCTION {_FUNCTION}_{column}() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {_bump(column)}; RETURN NULL; END $$"
            )
        )
    connection.execute(
        sa.text(
            f"CREATE OR REPLACE FUNCTION {_FUNCTION}_change() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF TG_OP <> 'INSERT' THEN {_log('OLD.model_id')}; END IF; "
            f"IF TG_OP <> 'DELETE' THEN {_log('NEW.model_id')}; END IF; RETURN NULL; END $$"
        )
    )
    existing = set(connection.execute(sa.text("SELECT tgname FROM pg_trigger")).scalars())
    if f"{CHANGES}_row" not in existing:
        connection.execute(
            sa.text(
                f"CREATE TRIGGER {CHANGES}_row AFTER INSERT OR UPDATE OR DELETE ON scores "
                f"FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}_change()"
            )
        )
    for table in WATCHED_TABLES:
        for operation in (*_OPERATIONS, "truncate"):
            name = f"{TABLE}_{table}_{operation}"
            if name in existing:
                continue
            connection.execute(
                sa.text(
                    f"CREATE TRIGGER {name} BEFORE {operation.upper()} ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}_{_column(table, operation)}()"
                )
            )


def _install_sqlite(connection: Connection) -> None:
    for name, table in _named_triggers():
        operation = name.rsplit("_", 1)[1].upper()
        body = [_bump(_column(table))]
        if table == "scores":
            body += [_log(f"{row}.model_id") for row in _SQLITE_ROWS[operation]]
        connection.execute(
            sa.text(
                f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {operation} ON {table} "
                f"BEGIN {'; '.join(body)}; END"
            )
        )


_SQLITE_ROWS = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}


_READ = sa.select(Counter.instance, Counter.version, Counter.scores_version).where(Counter.id == 1)
"""Built once: every leaderboard request reads it."""


def read(session: Session | Connection) -> BoardVersion:
    """The counter as this transaction sees it. Read it *before* the data it keys: data newer
    than the version read is harmless (the next request sees a newer version), older is not."""
    row = session.execute(_READ).one()
    return BoardVersion(str(row.instance), int(row.version), int(row.scores_version))


def changed_models(session: Session, since: int) -> set[int]:
    """Models whose scores were written under a scores version above ``since``."""
    rows = session.scalars(
        sa.select(Change.model_id).where(Change.scores_version > since).distinct()
    )
    return {int(model_id) for model_id in rows}


def prune(session: Session, older_than: datetime) -> None:
    """Drops the change log's rows older than ``older_than`` (no cache is that old)."""
    session.execute(sa.delete(Change).where(Change.changed_at < older_than))
