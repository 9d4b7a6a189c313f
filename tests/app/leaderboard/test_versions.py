"""The anonymous views' board-version reads (issue 18): shared by concurrent requests, never
older than the request, and no database session for a request without credentials."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from fastapi import FastAPI
from starlette.requests import Request

from app.catalog.visibility import signed_out
from app.leaderboard.versions import SharedVersionReads
from foundation.board_version import BoardVersion


class Counter:
    """A stand-in for the database's counter: ``read`` blocks while ``hold`` is set."""

    def __init__(self) -> None:
        self.committed = 0
        self.hold = threading.Event()
        self.started = threading.Event()
        self.release = threading.Event()

    def read(self) -> BoardVersion:
        seen = self.committed
        self.started.set()
        if self.hold.is_set():
            assert self.release.wait(10)
        return BoardVersion("instance", seen, 0)


def test_a_request_never_joins_a_read_that_started_before_it() -> None:
    counter = Counter()
    reads = SharedVersionReads(counter.read)

    async def scenario() -> tuple[BoardVersion, list[BoardVersion]]:
        counter.hold.set()
        first = asyncio.create_task(reads.read())
        await asyncio.to_thread(counter.started.wait, 10)  # read 1 runs, it saw version 0
        counter.committed = 1  # a commit, then requests that arrive after it
        later = [asyncio.create_task(reads.read()) for _ in range(20)]
        await asyncio.sleep(0.05)
        counter.hold.clear()
        counter.release.set()
        return await first, list(await asyncio.gather(*later))

    first, later = asyncio.run(scenario())
    assert first.version == 0
    assert {version.version for version in later} == {1}
    assert reads.reads == 2  # 21 requests, two reads


def test_a_failed_read_fails_its_requests_and_the_next_read_is_fresh() -> None:
    calls: list[int] = []

    def flaky() -> BoardVersion:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("database away")
        return BoardVersion("instance", 7, 0)

    reads = SharedVersionReads(flaky)

    async def scenario() -> list[BoardVersion | BaseException]:
        failed = await asyncio.gather(*(reads.read() for _ in range(5)), return_exceptions=True)
        return [*failed, await reads.read()]

    outcomes = asyncio.run(scenario())
    assert all(isinstance(outcome, ConnectionError) for outcome in outcomes[:5])
    assert outcomes[5] == BoardVersion("instance", 7, 0)


def test_one_app_served_by_one_loop_after_another_keeps_reading() -> None:
    reads = SharedVersionReads(lambda: BoardVersion("instance", 3, 4))
    for _ in range(2):  # a second loop (a test's second client) must not wait on the first's
        assert asyncio.run(asyncio.wait_for(reads.read(), 10)).version == 3


def _request(headers: dict[str, str], session: dict[str, object]) -> Request:
    raw = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    return Request({"type": "http", "headers": raw, "session": session})


@pytest.mark.parametrize(
    ("headers", "session", "anonymous"),
    [
        ({}, {}, True),
        ({}, {"csrf_token": "x"}, True),  # visited the sign-in form, not signed in
        ({}, {"user_id": 1, "session_version": 0}, False),
        ({"Authorization": "Bearer vt_whatever"}, {}, False),  # even an invalid token: a 401
    ],
)
def test_signed_out_means_no_credentials_at_all(
    headers: dict[str, str], session: dict[str, object], anonymous: bool
) -> None:
    assert signed_out(_request(headers, session)) is anonymous


def test_concurrent_anonymous_requests_share_their_version_reads(board_app: FastAPI) -> None:
    async def fifty() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=board_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://board") as client:
            await client.get("/api/v1/leaderboard")  # built and ready
            before = board_app.state.board_versions.reads
            responses = await asyncio.gather(
                *(client.get("/api/v1/leaderboard") for _ in range(50))
            )
            reads.append(board_app.state.board_versions.reads - before)
            return list(responses)

    reads: list[int] = []
    responses = asyncio.run(fifty())
    assert {response.status_code for response in responses} == {200}
    assert len({response.content for response in responses}) == 1
    assert 1 <= reads[0] <= 5, reads
