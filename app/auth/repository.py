"""Queries on API tokens."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from foundation.models import ApiToken


def by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_hash))


def of_user(session: Session, user_id: int) -> Sequence[ApiToken]:
    return session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    ).all()


def get(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def add(session: Session, token: ApiToken) -> ApiToken:
    session.add(token)
    session.flush()
    return token
