"""The sign-in limiter on a fake clock."""

from app.auth.ratelimit import SignInLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limits_failures_per_account_and_address_until_the_window_passes() -> None:
    clock = FakeClock()
    limiter = SignInLimiter(per_account=2, per_address=10, window_seconds=60, clock=clock)
    for _ in range(2):
        assert limiter.retry_after("a@x", "1.2.3.4") == 0
        limiter.record_failure("a@x", "1.2.3.4")
    assert limiter.retry_after("a@x", "1.2.3.4") == 60
    assert limiter.retry_after("a@x", "5.6.7.8") == 0
    clock.now += 61
    assert limiter.retry_after("a@x", "1.2.3.4") == 0


def test_limits_one_address_across_accounts() -> None:
    limiter = SignInLimiter(per_account=100, per_address=3, window_seconds=60, clock=FakeClock())
    for number in range(3):
        limiter.record_failure(f"user{number}@x", "1.2.3.4")
    assert limiter.retry_after("fresh@x", "1.2.3.4") > 0


def test_success_clears_the_account_record() -> None:
    limiter = SignInLimiter(per_account=1, per_address=10, window_seconds=60, clock=FakeClock())
    limiter.record_failure("a@x", "1.2.3.4")
    limiter.record_success("a@x", "1.2.3.4")
    assert limiter.retry_after("a@x", "1.2.3.4") == 0
