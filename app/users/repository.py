"""Queries on users."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from foundation.models import Role, User


def by_email(session: Session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == email))


def by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def any_admin(session: Session) -> User | None:
    return session.scalar(sa.select(User).where(User.role == Role.admin).order_by(User.id).limit(1))


def all_users(session: Session, limit: int = 1000) -> Sequence[User]:
    return session.scalars(sa.select(User).order_by(User.id).limit(limit)).all()


def add(session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user
