"""The shared retry policy and Retry-After parsing of the three sources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from pipelines.core.retry import (
    MAX_WAIT_SECONDS,
    TRANSIENT_STATUSES,
    RetryPolicy,
    is_transient_status,
    retry_after_seconds,
)

EXACT = (1.0, 1.0)  # no jitter: delays are the nominal back-off


# -- Retry-After -----------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("3", 3.0), (" 0 ", 0.0), (7, 7.0), ("-2", 0.0)])
def test_delay_seconds(value, expected) -> None:
    assert retry_after_seconds(value) == expected


def test_http_date_in_the_future_and_in_the_past() -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 80 < retry_after_seconds(soon) <= 90
    past = format_datetime(datetime.now(UTC) - timedelta(days=1), usegmt=True)
    assert retry_after_seconds(past) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "Wed, 99 Foo"])
def test_absent_or_unreadable_is_none(value) -> None:
    assert retry_after_seconds(value) is None


# -- back-off --------------------------------------------------------------------------


def test_the_back_off_doubles_from_the_first_wait() -> None:
    policy = RetryPolicy(backoff_seconds=0.5, jitter=EXACT)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 8.0]


def test_the_back_off_stops_growing_at_the_cap() -> None:
    policy = RetryPolicy(backoff_seconds=1.0, max_wait_seconds=10.0, jitter=(1.5, 1.5))
    assert [policy.delay(n) for n in (4, 5, 6)] == [10.0, 10.0, 10.0]
    assert RetryPolicy(jitter=EXACT).delay(10_000) == MAX_WAIT_SECONDS  # no overflow


def test_jitter_stays_within_its_bounds_and_spreads() -> None:
    policy = RetryPolicy(backoff_seconds=2.0)  # nominal wait before the third retry: 8 s
    delays = [policy.delay(3) for _ in range(500)]
    assert all(4.0 <= d <= 12.0 for d in delays)  # 8 s times 0.5 .. 1.5
    assert min(delays) < 8.0 < max(delays)
    assert RetryPolicy(backoff_seconds=2.0, jitter=(0.5, 0.5)).delay(3) == 4.0


def test_retry_after_wins_when_longer_and_is_capped_too() -> None:
    policy = RetryPolicy(backoff_seconds=1.0, max_wait_seconds=60.0, jitter=EXACT)
    assert policy.delay(1, retry_after=7.0) == 7.0  # longer than the 1 s back-off
    assert policy.delay(5, retry_after=7.0) == 16.0  # the back-off is longer still
    assert policy.delay(1, retry_after=0.0) == 1.0
    assert policy.delay(1, retry_after=3600.0) == 60.0


def test_zero_back_off_makes_retries_instant_but_honours_retry_after() -> None:
    policy = RetryPolicy(backoff_seconds=0.0)
    assert [policy.delay(n) for n in range(1, 8)] == [0.0] * 7
    assert policy.delay(2, retry_after=3.0) == 3.0


def test_settings_cannot_ask_for_no_attempt_or_a_negative_wait() -> None:
    policy = RetryPolicy(attempts=0, backoff_seconds=-1.0)
    assert (policy.attempts, policy.backoff_seconds) == (1, 0.0)


def test_the_transient_statuses() -> None:
    assert {408, 429, 500, 502, 503, 504} == TRANSIENT_STATUSES
    assert all(is_transient_status(s) for s in (429, 500, 502, 503, 504))
    assert not any(is_transient_status(s) for s in (None, 200, 400, 401, 403, 404, 409, 501))


# -- the tenacity loop -----------------------------------------------------------------


class Flaky:
    """Fails with the given errors in turn, then answers "ok"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


class Busy(Exception):
    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__("busy")
        self.retry_after = retry_after


def _loop(policy: RetryPolicy, sleeps: list[float]):
    return policy.retrying(
        is_transient=lambda error: isinstance(error, Busy | ConnectionError),
        server_wait=lambda error: getattr(error, "retry_after", None),
        sleep=sleeps.append,
    )


def test_the_loop_retries_transient_errors_with_the_policy_waits() -> None:
    sleeps: list[float] = []
    flaky = Flaky(Busy(), ConnectionError(), Busy(retry_after=9.0))
    assert _loop(RetryPolicy(backoff_seconds=1.0, jitter=EXACT), sleeps)(flaky) == "ok"
    assert flaky.calls == 4 and sleeps == [1.0, 2.0, 9.0]


def test_the_loop_stops_after_its_attempts_with_the_last_error() -> None:
    sleeps: list[float] = []
    flaky = Flaky(*(Busy() for _ in range(5)))
    with pytest.raises(Busy):
        _loop(RetryPolicy(attempts=3, backoff_seconds=0.0), sleeps)(flaky)
    assert flaky.calls == 3 and sleeps == [0.0, 0.0]


def test_the_loop_raises_a_lasting_error_at_once() -> None:
    sleeps: list[float] = []
    flaky = Flaky(PermissionError("no"))
    with pytest.raises(PermissionError):
        _loop(RetryPolicy(), sleeps)(flaky)
    assert flaky.calls == 1 and sleeps == []
