"""Queries on users."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.core.models import Role, User


def by_email(session: Session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == email))


def any_admin(session: Session) -> User | None:
    return session.scalar(sa.select(User).where(User.role == Role.admin).order_by(User.id).limit(1))


def add(session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user
