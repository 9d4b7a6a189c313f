"""Signing in and API tokens: shown once, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.auth import repository
from app.core.security import hash_password, verify_password
from app.users import repository as users
from app.users.service import MAX_PASSWORD_LENGTH, normalize_email
from foundation.models import ApiToken, User, utcnow

TOKEN_PREFIX = "vt_"  # noqa: S105  (a marker, not a secret)
MAX_TOKEN_NAME = 100
# Verified against when the email is unknown, so that a wrong email costs as long as a wrong
# password and response times do not reveal which accounts exist.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


class AuthenticationError(Exception):
    """Wrong email or password, or a deactivated account (one message for all: no hints)."""

    def __init__(self) -> None:
        super().__init__("wrong email or password, or the account is deactivated")


class TokenNotFoundError(LookupError):
    def __init__(self, token_id: int) -> None:
        super().__init__(f"API token {token_id} not found")


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``secret`` is shown to its owner once and never stored."""

    record: ApiToken
    secret: str


def authenticate(session: Session, email: str, password: str) -> User:
    user = users.by_email(session, normalize_email(email))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AuthenticationError
    if user is None:
        verify_password(password, _DUMMY_HASH)
        raise AuthenticationError
    if not verify_password(password, user.password_hash) or not user.active:
        raise AuthenticationError
    return user


def hash_token(secret: str) -> str:
    # Tokens carry 256 random bits, so a fast hash suffices (no dictionary to guess from).
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(session: Session, user: User, name: str) -> IssuedToken:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user_id=user.id,
        name=(name.strip() or "token")[:MAX_TOKEN_NAME],
        token_hash=hash_token(secret),
        prefix=secret[:10],
    )
    return IssuedToken(repository.add(session, record), secret)


def user_for_token(session: Session, secret: str) -> User | None:
    """The active owner of a valid, unrevoked token (and stamps its last use), else None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = repository.by_hash(session, hash_token(secret))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token.user


def tokens_of(session: Session, user: User) -> Sequence[ApiToken]:
    return repository.of_user(session, user.id)


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens; another user's token is reported as not found."""
    token = repository.get(session, token_id)
    if token is None or token.user_id != user.id:
        raise TokenNotFoundError(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token
