"""The bubblewrap tests skip where bwrap cannot run, except in CI, where that fails the run."""

import pytest

from tests.worker.sandbox import bwrap


@pytest.fixture
def no_bwrap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bwrap, "bwrap_available", lambda: False)


@pytest.mark.usefixtures("no_bwrap")
@pytest.mark.parametrize("value", ["true", "True", "1"])
def test_without_bwrap_ci_fails_the_test(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match=r"CI \(CI=true\) must run the bwrap tests"):
        bwrap.require_bwrap()


@pytest.mark.usefixtures("no_bwrap")
@pytest.mark.parametrize("value", [None, "", "false"])
def test_without_bwrap_elsewhere_the_test_is_skipped(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="bubblewrap cannot run here"):
        bwrap.require_bwrap()


def test_with_bwrap_the_test_runs_even_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bwrap, "bwrap_available", lambda: True)
    monkeypatch.setenv("CI", "true")
    bwrap.require_bwrap()
