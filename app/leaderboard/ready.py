"""Ready bytes of the anonymous leaderboard views, shared by every web process.

Each view (API JSON or CSV, the page, the CSV export, for one set of URL parameters) keeps its
newest rendering together with the board version it was built from. A request reads the board
version (the database's, the source of truth) and serves the rendering only if that version
covers it: a rendering is never older than what the requester could have seen committed.

One builder per view: the other threads of the process wait for it, and with Redis the other
processes too (a lock key per view; they poll for the result). A request that arrives while a
build runs waits for it and, if the database moved on meanwhile, the next build covers every
version seen by then: a burst of writes costs one rebuild per build's duration, not one per
write.

In Redis (``leaderboard_cache_url``; production names the broker) a view is one key holding its
newest rendering, so stale versions take no room; each process keeps the renderings it served in
a bounded local copy and reads Redis only when that copy no longer covers the version asked
for. Without Redis (development on SQLite) the local copy is all there is. Redis errors are
logged and the view is built locally: the board never fails because its cache is away.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

from app.leaderboard.single_flight import SingleFlight
from foundation.board_version import BoardVersion

log = logging.getLogger(__name__)
KEY_PREFIX = "ventral:board:v1"
REDIS_TTL_S = 3600
"""A view nobody asked for in an hour leaves Redis (views are as many as URL parameters)."""
LOCK_TTL_MS = 60_000
"""A builder that died leaves its lock this long at most; the others then build."""
POLL_S = 0.01
LOCAL_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Ready:
    version: BoardVersion
    etag: str
    body: bytes


def covers(have: BoardVersion, wanted: BoardVersion) -> bool:
    return (
        have.instance == wanted.instance
        and have.version >= wanted.version
        and have.scores_version >= wanted.scores_version
    )


def etag_of(version: BoardVersion, view: str) -> str:
    return hashlib.sha256(repr((tuple(version), view)).encode()).hexdigest()[:32]


Builder = Callable[[], tuple[BoardVersion, bytes]]
"""Renders the view from a snapshot at (at least) the current version: (its version, bytes)."""


class ReadyViews:
    def __init__(self, shared: RedisViews | None = None, local_bytes: int = LOCAL_BYTES) -> None:
        self._shared = shared
        self._local: OrderedDict[str, Ready] = OrderedDict()
        self._local_bytes = 0
        self._limit = local_bytes
        self._lock = threading.Lock()
        self._flights: SingleFlight[Ready] = SingleFlight(self._lock)
        self.builds = 0
        """Renderings this process built (the tests count them)."""

    @classmethod
    def from_url(cls, url: str) -> ReadyViews:
        return cls(RedisViews(url) if url.startswith(("redis://", "rediss://")) else None)

    def get(self, view: str, wanted: BoardVersion, build: Builder) -> Ready:
        """The view's rendering at a version covering ``wanted``, built at most once at a time."""
        return self._flights.run(
            view,
            lambda: self._covering(view, wanted),
            lambda: self._remember(view, self._fetch_or_build(view, wanted, build)),
        )

    def peek(self, view: str, wanted: BoardVersion) -> Ready | None:
        with self._lock:
            return self._covering(view, wanted)

    def _covering(self, view: str, wanted: BoardVersion) -> Ready | None:
        found = self._local.get(view)
        if found is None or not covers(found.version, wanted):
            return None
        self._local.move_to_end(view)
        return found

    def _remember(self, view: str, ready: Ready) -> Ready:
        with self._lock:
            old = self._local.pop(view, None)
            self._local_bytes -= len(old.body) if old else 0
            self._local[view] = ready
            self._local_bytes += len(ready.body)
            while self._local_bytes > self._limit and len(self._local) > 1:
                _, dropped = self._local.popitem(last=False)
                self._local_bytes -= len(dropped.body)
        return ready

    def _fetch_or_build(self, view: str, wanted: BoardVersion, build: Builder) -> Ready:
        if self._shared is None:
            return self._build(view, build)
        try:
            return self._shared.get_or_build(view, wanted, lambda: self._build(view, build))
        except redis.RedisError:
            log.warning("the leaderboard's Redis cache failed; building locally", exc_info=True)
            return self._build(view, build)

    def _build(self, view: str, build: Builder) -> Ready:
        version, body = build()
        self.builds += 1
        return Ready(version, etag_of(version, view), body)


class RedisViews:
    """The newest rendering of each view in one Redis key, and a lock key per view's build."""

    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def get_or_build(self, view: str, wanted: BoardVersion, build: Callable[[], Ready]) -> Ready:
        key = _key(view, wanted.instance)
        deadline = time.monotonic() + LOCK_TTL_MS / 1000
        while True:
            found = self._load(key, wanted)
            if found is not None:
                return found
            lock, token = f"{key}:lock", uuid.uuid4().hex
            if self._redis.set(lock, token, nx=True, px=LOCK_TTL_MS):
                try:
                    return self._store(key, build())
                finally:
                    self._unlock(lock, token)
            while self._redis.exists(lock):  # another process builds: look again when it is done
                if time.monotonic() > deadline:  # a lock that outlived its builder
                    return build()
                time.sleep(POLL_S)

    def _load(self, key: str, wanted: BoardVersion) -> Ready | None:
        value = self._redis.get(key)
        if not isinstance(value, bytes):  # None: never built, or expired
            return None
        ready = _decode(value)
        return ready if covers(ready.version, wanted) else None

    def _store(self, key: str, ready: Ready) -> Ready:
        self._redis.set(key, _encode(ready), ex=REDIS_TTL_S)
        return ready

    def _unlock(self, key: str, token: str) -> None:
        try:
            self._redis.eval(_UNLOCK, 1, key, token)
        except redis.RedisError:  # the lock expires on its own; the bytes are built and stored
            log.warning("releasing a leaderboard build lock failed", exc_info=True)


_UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


def _key(view: str, instance: str) -> str:
    return f"{KEY_PREFIX}:{instance}:{hashlib.sha256(view.encode()).hexdigest()}"


def _encode(ready: Ready) -> bytes:
    header: dict[str, Any] = {"version": list(ready.version), "etag": ready.etag}
    return json.dumps(header).encode() + b"\n" + ready.body


def _decode(value: bytes) -> Ready:
    header, _, body = value.partition(b"\n")
    fields = json.loads(header)
    return Ready(BoardVersion(*fields["version"]), fields["etag"], body)
