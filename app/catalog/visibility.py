"""Who sees which model: public models for everyone, private ones for their owner and admins.

Every service function of the board takes the viewer (a ``User`` or ``None``) explicitly.
``ViewerDep`` resolves the signed-in user; until the accounts area provides its dependency it
reads nothing (every request is anonymous), and tests override ``get_viewer``.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends

from app.core.models import Model, Role, User, Visibility

Viewer = User | None


def get_viewer() -> User | None:
    return None


ViewerDep = Annotated[User | None, Depends(get_viewer)]


def is_admin(viewer: Viewer) -> bool:
    return viewer is not None and viewer.role == Role.admin


def can_see(model: Model, viewer: Viewer) -> bool:
    if model.visibility == Visibility.public or is_admin(viewer):
        return True
    return viewer is not None and model.owner_id == viewer.id


def visible_clause(viewer: Viewer) -> sa.ColumnElement[bool]:
    """The SQL condition ``can_see`` expresses, for queries over ``Model``."""
    if is_admin(viewer):
        return sa.true()
    public = Model.visibility == Visibility.public
    return public if viewer is None else sa.or_(public, Model.owner_id == viewer.id)
