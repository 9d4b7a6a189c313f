"""Who sees which model: public models for everyone once validated; the rest (private, pending
or refused uploads) only for their owner and admins.

Every service function of the board takes the viewer (a ``User`` or ``None``) explicitly.
``ViewerDep`` resolves the signed-in user through the accounts area's ``optional_user`` (session
cookie or API token) once ``app.auth.dependencies`` exists; without it every request is
anonymous. Tests override ``get_viewer``.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Annotated

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


@functools.cache
def _accounts_optional_user() -> Callable[..., User | None] | None:
    try:
        module = importlib.import_module("app.auth.dependencies")
    except ImportError:
        return None
    resolve: Callable[..., User | None] | None = getattr(module, "optional_user", None)
    return resolve


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
