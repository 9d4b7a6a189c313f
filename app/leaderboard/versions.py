"""The board version for the anonymous views, read once for many concurrent requests.

A request must be served a rendering at least as new as the version committed when it arrived
(``app.leaderboard.ready``). Under load, requests arrive faster than one round trip to the
database, so they share reads: a request joins the next read to *start* — never one already
running, which may have read the counter before the request arrived — and at most one read runs
at a time. 50 concurrent clients then cost about one read per round trip instead of one each,
and the read runs in the thread pool once per batch instead of once per request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from anyio import to_thread

from foundation.board_version import BoardVersion


class SharedVersionReads:
    """Coalesces concurrent reads of ``read`` (a blocking call, run in the thread pool)."""

    def __init__(self, read: Callable[[], BoardVersion]) -> None:
        self._read = read
        self._loop: asyncio.AbstractEventLoop | None = None
        self._next: asyncio.Future[BoardVersion] | None = None
        """The read the next arrivals join; it starts once the running one (if any) is done."""
        self._reading = False
        self.reads = 0
        """Reads made (the tests count them)."""

    async def read(self) -> BoardVersion:
        self._bind(asyncio.get_running_loop())
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            if not self._reading:
                self._reading = True
                asyncio.get_running_loop().create_task(self._drain())
        # shield: a request that goes away (client disconnect) must not cancel the others' read
        return await asyncio.shield(self._next)

    def _bind(self, loop: asyncio.AbstractEventLoop) -> None:
        # An app served by one loop after another (tests' clients) starts afresh on each.
        if loop is not self._loop:
            self._loop, self._next, self._reading = loop, None, False

    async def _drain(self) -> None:
        try:
            while self._next is not None:
                waiting, self._next = self._next, None
                try:
                    version = await to_thread.run_sync(self._read)
                except asyncio.CancelledError:  # the loop is shutting down
                    waiting.cancel()
                    raise
                except Exception as error:  # every waiter gets the failure (a 503 each)
                    waiting.set_exception(error)
                else:
                    waiting.set_result(version)
                finally:
                    self.reads += 1
        finally:
            self._reading = False
