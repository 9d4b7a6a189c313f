"""Wires accounts into the app: the signed session cookie and the sign-in limiter."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from app.auth.ratelimit import SignInLimiter
from foundation.config import Settings

SESSION_COOKIE = "ventral_session"
SESSION_MAX_AGE_SECONDS = 14 * 24 * 3600


def install_auth(app: FastAPI, settings: Settings) -> None:
    """Sessions are signed (itsdangerous, HMAC with the secret key), SameSite=Lax, HttpOnly."""
    app.state.sign_in_limiter = SignInLimiter()
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_SECONDS,
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
    )
