"""CSRF protection: one random token per session, sent back in a form field or a header.

Forms carry it in the hidden field ``csrf_token``; scripts calling ``/api`` with the session
cookie send it as ``X-CSRF-Token``. Requests with a Bearer token need none (no cookie, no CSRF).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

CSRF_SESSION_KEY = "csrf"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(request: Request) -> str:
    """This session's token, created on first use."""
    token = request.session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_SESSION_KEY] = token
    return token


def check_csrf(request: Request, submitted: object) -> None:
    """403 unless ``submitted`` equals this session's token (compared in constant time)."""
    expected = request.session.get(CSRF_SESSION_KEY)
    if not isinstance(submitted, str) or not isinstance(expected, str) or not expected:
        raise HTTPException(403, "missing or invalid CSRF token; reload the page and try again")
    if not hmac.compare_digest(submitted.encode(), expected.encode()):
        raise HTTPException(403, "missing or invalid CSRF token; reload the page and try again")


def check_csrf_header(request: Request) -> None:
    if request.method not in SAFE_METHODS:
        check_csrf(request, request.headers.get(CSRF_HEADER))
