"""Queries behind the leaderboard."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from app.core.models import Model, Score, ScoreStatus, Visibility


def public_finished_scores(session: Session) -> Sequence[Score]:
    return session.scalars(
        sa.select(Score)
        .join(Score.model)
        .where(Model.visibility == Visibility.public, Score.status == ScoreStatus.succeeded)
        .options(joinedload(Score.model), joinedload(Score.benchmark))
    ).all()
