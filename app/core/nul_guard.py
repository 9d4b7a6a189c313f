"""Refuses URLs carrying NUL characters with 422, before any route sees them.

PostgreSQL text cannot hold NUL; a NUL in a path or query parameter would otherwise reach a
query and fail there as a server error. One guard here covers every route's URL parameters
(request bodies keep their per-field checks in the schemas).
"""

from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

NUL_DETAIL = "the URL contains a NUL character, which no parameter may hold"


class NulInUrlGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _has_nul(scope):
            await _refuse(send)
            return
        await self.app(scope, receive, send)


def _has_nul(scope: Scope) -> bool:
    raw_path = scope.get("raw_path") or scope.get("path", "").encode()
    query = scope.get("query_string", b"")
    return any(b"\x00" in unquote_to_bytes(part) for part in (raw_path, query))


async def _refuse(send: Send) -> None:
    body = json.dumps({"detail": NUL_DETAIL}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 422, "headers": headers})
    await send({"type": "http.response.body", "body": body})
