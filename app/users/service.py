"""Creating users, and the administrator that a fresh installation generates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.models import Role, User
from app.core.security import generate_password, hash_password
from app.users import repository

GENERATED_ADMIN_EMAIL = "admin@localhost"
ADMIN_CREDENTIALS_FILE = "initial-admin.txt"


class UserExistsError(ValueError):
    def __init__(self, email: str) -> None:
        super().__init__(f"a user with email {email!r} already exists")


@dataclass(frozen=True)
class GeneratedAdmin:
    email: str
    password: str | None
    credentials_file: Path


def create_user(session: Session, email: str, password: str, admin: bool = False) -> User:
    email = email.strip().lower()
    if repository.by_email(session, email) is not None:
        raise UserExistsError(email)
    role = Role.admin if admin else Role.user
    return repository.add(
        session, User(email=email, password_hash=hash_password(password), role=role)
    )


def ensure_admin(session: Session, var_dir: Path) -> GeneratedAdmin | None:
    """On a fresh installation, create an administrator with a random password, kept in var/.

    Returns the generated admin (its password only the first time), or None if an administrator
    was created some other way.
    """
    credentials = var_dir / ADMIN_CREDENTIALS_FILE
    existing = repository.any_admin(session)
    if existing is not None:
        if existing.email == GENERATED_ADMIN_EMAIL and credentials.is_file():
            return GeneratedAdmin(existing.email, None, credentials)
        return None
    password = generate_password()
    create_user(session, GENERATED_ADMIN_EMAIL, password, admin=True)
    _write_private(credentials, f"email: {GENERATED_ADMIN_EMAIL}\npassword: {password}\n")
    return GeneratedAdmin(GENERATED_ADMIN_EMAIL, password, credentials)


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(text)
