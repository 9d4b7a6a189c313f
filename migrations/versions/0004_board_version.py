"""The board version: a counter the database bumps (triggers) on every write to models, scores,
benchmarks, users and submissions, keying the leaderboard's caches (``foundation.board_version``).

Revision ID: 0004_board_version
Revises: 0002_accounts
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from foundation import board_version

revision: str = "0004_board_version"
down_revision: str | None = "0003_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "board_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance", sa.String(length=32), nullable=False, comment="random per database"),
        sa.Column(
            "version",
            sa.BigInteger(),
            nullable=False,
            comment="models, users, benchmarks, submissions",
        ),
        sa.Column("scores_version", sa.BigInteger(), nullable=False, comment="scores"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_version")),
    )
    op.create_table(
        "board_score_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "model_id", sa.Integer(), nullable=False, comment="no foreign key: deleted models too"
        ),
        sa.Column("scores_version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_score_changes")),
    )
    with op.batch_alter_table("board_score_changes") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_board_score_changes_scores_version"), ["scores_version"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_board_score_changes_changed_at"), ["changed_at"], unique=False
        )
    board_version.install_triggers(op.get_bind())


def downgrade() -> None:
    board_version.drop_triggers(op.get_bind())
    op.drop_table("board_score_changes")
    op.drop_table("board_version")
