"""Security headers on every response: a strict Content-Security-Policy and the usual others.

No script runs unless it is a file served from this origin: no inline ``<script>``, no event
handler attributes, no ``javascript:`` URLs, no ``eval`` (vega draws with its CSP-safe expression
interpreter, ``app/static/charts.js``). Data for scripts travels in ``<script
type="application/json">`` blocks, which the browser never executes. Styles may be inline: the
leaderboard colours its cells with computed ``style`` attributes, and CSS cannot run script.

A path prefix may add sources to a directive (``PATH_EXTRA_DIRECTIVES``): ReDoc, for one, starts
its search worker from a ``blob:`` URL. Nothing else about the policy changes per page.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BASE_POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# Per path prefix, sources added to a directive: the hook for pages with one extra need.
PATH_EXTRA_DIRECTIVES: dict[str, dict[str, str]] = {
    "/redoc": {"worker-src": "blob:"},
}
OTHER_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
HSTS = "max-age=31536000"


def content_security_policy(
    path: str, extras: Mapping[str, Mapping[str, str]] = PATH_EXTRA_DIRECTIVES
) -> str:
    policy = dict(BASE_POLICY)
    for prefix, added in extras.items():
        if path == prefix or path.startswith(prefix + "/"):
            for directive, sources in added.items():
                policy[directive] = f"{policy.get(directive, '')} {sources}".strip()
    return "; ".join(f"{name} {sources}" for name, sources in policy.items())


class SecurityHeaders:
    """Sets the policy and headers on every HTTP response (a route's own value is kept).
    ``https``: also Strict-Transport-Security, for a deployment served over TLS."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = content_security_policy(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", policy)
                for name, value in OTHER_HEADERS.items():
                    headers.setdefault(name, value)
                if self.https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
