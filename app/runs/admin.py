"""``AdminUser`` for the run routes: HTTP Basic credentials of a user with the admin role.

A stand-in until the accounts area's ``app.auth.dependencies.AdminUser`` (sessions and API
tokens) is on main; the routes only depend on the name, so swapping the import is the change.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from app.core.db import SessionDep
from app.core.models import Role, User
from app.core.security import verify_password
from app.users import repository

basic = HTTPBasic(auto_error=False)


def admin_user(
    session: SessionDep, credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)]
) -> User:
    if credentials is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in as an administrator")
    user = repository.by_email(session, credentials.username)
    if (
        user is None
        or not user.active
        or not verify_password(credentials.password, user.password_hash)
    ):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong email or password")
    if user.role != Role.admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "administrators only")
    return user


AdminUser = Annotated[User, Depends(admin_user)]
