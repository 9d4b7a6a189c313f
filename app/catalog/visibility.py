"""Who sees which model: public models for everyone once validated; the rest (private, pending
or refused uploads) only for their owner and admins.

Every service function of the board takes the viewer (a ``User`` or ``None``) explicitly.
``ViewerDep`` resolves the signed-in user through the accounts area's ``optional_user`` (session
cookie or API token) once ``app.auth.dependencies`` exists; without it every request is
anonymous. ``signed_out`` tells an anonymous request without a database session.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Request

from app.core.db import SessionDep
from foundation.models import Model, ModelStatus, Role, User, Visibility

Viewer = User | None
# An upload stays out of every public page, API, plot, export and rank until its validation job
# accepts it: pending is unchecked, rejected is refused (issue 13).
PUBLISHED_STATUSES = frozenset({ModelStatus.validated, ModelStatus.ready})


def get_viewer(request: Request, session: SessionDep) -> User | None:
    resolve = _accounts_optional_user()
    return resolve(request, session) if resolve is not None else None


def signed_out(request: Request) -> bool:
    """True when the request carries no credentials at all, so ``get_viewer`` would answer None:
    known without a database session (the leaderboard's anonymous views need none)."""
    carries = _accounts("carries_credentials")
    return carries is None or not carries(request)


def _accounts_optional_user() -> Callable[..., User | None] | None:
    return _accounts("optional_user")


@functools.cache
def _accounts(name: str) -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("app.auth.dependencies")
    except ImportError:
        return None
    found: Callable[..., Any] | None = getattr(module, name, None)
    return found


ViewerDep = Annotated[User | None, Depends(get_viewer)]


def is_admin(viewer: Viewer) -> bool:
    return viewer is not None and viewer.role == Role.admin


def is_published(model: Model) -> bool:
    return model.visibility == Visibility.public and model.status in PUBLISHED_STATUSES


def can_see(model: Model, viewer: Viewer) -> bool:
    if is_published(model) or is_admin(viewer):
        return True
    return viewer is not None and model.owner_id == viewer.id


def visible_clause(viewer: Viewer) -> sa.ColumnElement[bool]:
    """The SQL condition ``can_see`` expresses, for queries over ``Model``."""
    if is_admin(viewer):
        return sa.true()
    published = sa.and_(
        Model.visibility == Visibility.public, Model.status.in_(sorted(PUBLISHED_STATUSES))
    )
    return published if viewer is None else sa.or_(published, Model.owner_id == viewer.id)
