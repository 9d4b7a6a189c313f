"""Accounts and submissions: a model's status (pending → validated → ready, or rejected) and a
submission's status (pending, accepted, refused).

Existing models (reference and published rows) become ``ready``.

Revision ID: 0002_accounts
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_accounts"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MODEL_STATUSES = ("pending", "validated", "ready", "rejected")
SUBMISSION_STATUSES = ("pending", "accepted", "refused")


def _status(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def upgrade() -> None:
    with op.batch_alter_table("models") as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                _status(MODEL_STATUSES, "model_status"),
                nullable=False,
                server_default="ready",
            )
        )
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                _status(SUBMISSION_STATUSES, "submission_status"),
                nullable=False,
                server_default="pending",
                comment="refused: validation turned the upload down (counts against the daily quota)",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.drop_constraint(op.f("ck_submissions_submission_status"), type_="check")
        batch_op.drop_column("status")
    with op.batch_alter_table("models") as batch_op:
        batch_op.drop_constraint(op.f("ck_models_model_status"), type_="check")
        batch_op.drop_column("status")
