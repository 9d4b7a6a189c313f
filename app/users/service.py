"""Creating and managing users, and the administrator that a fresh installation generates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.security import generate_password, hash_password, verify_password
from app.users import repository
from foundation.config import Settings
from foundation.models import Role, User

GENERATED_ADMIN_EMAIL = "admin@localhost"
ADMIN_CREDENTIALS_FILE = "initial-admin.txt"
MIN_PASSWORD_LENGTH = 8
# Hashing cost grows with the input; nobody needs a longer passphrase.
MAX_PASSWORD_LENGTH = 256
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")


class UserExistsError(ValueError):
    def __init__(self, email: str) -> None:
        super().__init__(f"a user with email {email!r} already exists")


class InvalidAccountError(ValueError):
    """An email or password that cannot make an account; the message says why."""


class UserNotFoundError(LookupError):
    def __init__(self, user_id: int) -> None:
        super().__init__(f"user {user_id} not found")


@dataclass(frozen=True)
class GeneratedAdmin:
    email: str
    password: str | None
    credentials_file: Path


@dataclass(frozen=True)
class Quotas:
    submissions_per_day: int
    concurrent_jobs: int


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_new_account(email: str, password: str) -> str:
    """The normalized email, or ``InvalidAccountError`` with a reason a person understands."""
    email = normalize_email(email)
    if not _EMAIL.match(email):
        raise InvalidAccountError("enter an email address like name@example.org")
    check_password(password)
    return email


def create_user(session: Session, email: str, password: str, admin: bool = False) -> User:
    email = normalize_email(email)
    if repository.by_email(session, email) is not None:
        raise UserExistsError(email)
    role = Role.admin if admin else Role.user
    return repository.add(
        session, User(email=email, password_hash=hash_password(password), role=role)
    )


def sign_up(session: Session, email: str, password: str) -> User:
    """A new ordinary user, after checking the email's form and the password's length."""
    return create_user(session, check_new_account(email, password), password)


class WrongPasswordError(ValueError):
    def __init__(self) -> None:
        super().__init__("the current password is wrong")


def check_password(password: str) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidAccountError(
            f"the password needs {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters"
        )


def end_sessions(user: User) -> None:
    """Every signed session cookie of ``user`` stops working (they carry the old version)."""
    user.session_version = (user.session_version or 0) + 1


def set_password(user: User, password: str) -> None:
    """A new password (checked for length); every session of the user ends."""
    check_password(password)
    user.password_hash = hash_password(password)
    end_sessions(user)


def change_password(user: User, current: str, new: str) -> None:
    """The user's own change: the current password first (a stolen session cannot lock the
    owner out), then ``set_password``."""
    if len(current) > MAX_PASSWORD_LENGTH or not verify_password(current, user.password_hash):
        raise WrongPasswordError
    set_password(user, new)


def reset_password(session: Session, email: str, password: str) -> User:
    """An operator's reset (``ventral user password``): no current password asked."""
    user = repository.by_email(session, normalize_email(email))
    if user is None:
        raise LookupError(f"no user with email {normalize_email(email)!r}")
    set_password(user, password)
    return user


def get_user(session: Session, user_id: int) -> User:
    user = repository.by_id(session, user_id)
    if user is None:
        raise UserNotFoundError(user_id)
    return user


def list_users(session: Session) -> Sequence[User]:
    return repository.all_users(session)


def quotas_of(user: User, settings: Settings) -> Quotas:
    """The user's own limits where an administrator set them, else the server's defaults."""
    per_day = user.submissions_per_day
    concurrent = user.concurrent_jobs
    return Quotas(
        settings.submissions_per_day if per_day is None else per_day,
        settings.concurrent_jobs_per_user if concurrent is None else concurrent,
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
