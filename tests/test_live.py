"""The waiting helpers of the live-process tests: deadlines, and non-events checked throughout."""

import os
import signal
import socket
import subprocess
import time

import pytest

from tests.live import free_port, holds_for, process_group_gone, wait_for


def test_holds_for_fails_as_soon_as_the_condition_breaks() -> None:
    broken_at = time.monotonic() + 0.2
    started = time.monotonic()
    with pytest.raises(AssertionError, match="the flag stopped holding"):
        holds_for(lambda: time.monotonic() < broken_at, 10, "the flag")
    assert time.monotonic() - started < 2


def test_holds_for_checks_the_whole_window() -> None:
    calls: list[float] = []
    started = time.monotonic()
    holds_for(lambda: calls.append(time.monotonic()) is None, 0.3, "nothing")
    assert calls[-1] - started >= 0.3 and len(calls) > 2


def test_wait_for_returns_the_value_or_names_what_it_waited_for() -> None:
    assert wait_for(lambda: "ready", 1, "a value") == "ready"
    with pytest.raises(AssertionError, match=r"timed out after 0.2 s waiting for a miracle"):
        wait_for(lambda: None, 0.2, "a miracle")


def test_process_group_gone_sees_a_live_group_and_its_end() -> None:
    sleeper = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        assert not process_group_gone(sleeper.pid)
    finally:
        os.killpg(sleeper.pid, signal.SIGKILL)
        sleeper.wait()
    assert process_group_gone(sleeper.pid)


def test_free_port_is_bindable() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", free_port()))
