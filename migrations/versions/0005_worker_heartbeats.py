"""Worker heartbeats: each worker's queues and upload-sandbox mode, refreshed on a heartbeat and
read by ``/healthz`` (``foundation.worker_heartbeats``).

Revision ID: 0005_worker_heartbeats
Revises: 0004_board_version
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_worker_heartbeats"
down_revision: str | None = "0004_board_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeats",
        sa.Column("name", sa.String(length=255), nullable=False, comment="celery hostname"),
        sa.Column(
            "queues", sa.String(length=255), nullable=False, comment="comma-separated, as consumed"
        ),
        sa.Column(
            "sandbox", sa.String(length=16), nullable=False, comment="bwrap | plain | unavailable"
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_heartbeats")),
    )


def downgrade() -> None:
    op.drop_table("worker_heartbeats")
