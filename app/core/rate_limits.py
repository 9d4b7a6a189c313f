"""Rate limits per client address on the costly unauthenticated-in-spirit actions: signing up
(fresh accounts would bypass every per-user quota) and uploading.

Counted by the maintained ``limits`` library in a moving window, in ``memory://`` for one
process (development, tests) or Redis in production, where every web process shares the count.
Over the limit: 429 with ``Retry-After`` (seconds until a slot frees).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from fastapi import HTTPException, Request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from foundation.config import Settings


class RateLimited(HTTPException):
    def __init__(self, action: str, retry_after: int) -> None:
        super().__init__(
            429,
            f"too many {action} from your address; try again in {retry_after} seconds",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


@dataclass
class AddressLimits:
    """One limiter, one limit per named action (``signup``, ``upload``)."""

    limiter: MovingWindowRateLimiter
    items: dict[str, RateLimitItem]

    @classmethod
    def from_settings(cls, settings: Settings) -> AddressLimits:
        storage = storage_from_string(settings.rate_limit_storage_url)
        items = {
            "signup": parse(settings.signup_rate_limit),
            "upload": parse(settings.upload_rate_limit),
        }
        return cls(MovingWindowRateLimiter(storage), items)

    def hit(self, action: str, address: str) -> None:
        """Count one ``action`` from ``address``, or raise ``RateLimited`` when over the limit."""
        item = self.items[action]
        if self.limiter.hit(item, "ventral", action, address):
            return
        reset = self.limiter.get_window_stats(item, "ventral", action, address).reset_time
        raise RateLimited(_PLURALS[action], max(1, math.ceil(reset - time.time())))


_PLURALS = {"signup": "sign-ups", "upload": "uploads"}


def client_address(request: Request) -> str:
    """The peer's address (uvicorn puts the proxy's X-Forwarded-For here when it trusts it)."""
    return request.client.host if request.client else "unknown"


def limit(request: Request, action: str) -> None:
    limits: AddressLimits = request.app.state.address_limits
    limits.hit(action, client_address(request))
