"""Who is asking: ``OptionalUser``, ``CurrentUser`` and ``AdminUser`` for any route.

A request is authenticated by ``Authorization: Bearer <API token>`` or by the signed session
cookie. Unsafe ``/api`` requests authenticated by the cookie must carry ``X-CSRF-Token``; HTML
form routes check the form's ``csrf_token`` field themselves (``app.auth.csrf.check_csrf``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from app.auth import service
from app.auth.csrf import check_csrf_header
from app.core.db import SessionDep
from app.users import repository as users
from foundation.models import Role, User

SESSION_USER_KEY = "user_id"
# The user's session_version when the session began; a bump (sign-out, password change,
# deactivation) ends every session signed before it, though the cookie itself stays valid.
SESSION_VERSION_KEY = "session_version"
BEARER = "bearer"


def optional_user(request: Request, session: SessionDep) -> User | None:
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == BEARER:
        return _token_user(session, secret.strip())
    user = session_user(request, session)
    if user is not None and request.url.path.startswith("/api"):
        check_csrf_header(request)
    return user


def carries_credentials(request: Request) -> bool:
    """Whether ``optional_user`` could find a user: an Authorization header, or a session that
    names one. False answers "anonymous" without asking the database."""
    session = request.scope.get("session") or {}
    return "authorization" in request.headers or SESSION_USER_KEY in session


def session_user(request: Request, session: SessionDep) -> User | None:
    """The signed-in user of the session cookie (None if signed out, unknown, deactivated, or
    the session was ended server-side)."""
    user_id = request.session.get(SESSION_USER_KEY)
    if not isinstance(user_id, int):
        return None
    user = users.by_id(session, user_id)
    version = request.session.get(SESSION_VERSION_KEY, 0)
    if user is None or not user.active or version != user.session_version:
        request.session.clear()  # the browser's copy is dropped too
        return None
    return user


def _token_user(session: SessionDep, secret: str) -> User:
    user = service.user_for_token(session, secret)
    if user is None:
        raise HTTPException(
            401, "invalid or revoked API token", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise HTTPException(
            401,
            "sign in, or send an API token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    if user.role is not Role.admin:
        raise HTTPException(403, "administrators only")
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(admin_user)]
