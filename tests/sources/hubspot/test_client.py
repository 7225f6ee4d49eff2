"""The source's HubSpot client: retries, rate-limit policies, pacing and clear errors."""

from __future__ import annotations

import time

import pytest
from hubspot.crm.objects import ApiException

from pipelines.core.retry import RetryPolicy
from pipelines.core.settings import SettingError
from pipelines.hubspot.client import CrmClient, HubSpotError
from pipelines.hubspot.pacing import Pacer
from pipelines.hubspot.retry import (
    DAILY,
    SECONDLY,
    TEN_SECONDLY,
    is_transient,
    rate_limit_policy,
    server_wait,
)
from sandbox import Sandbox
from sandbox.hubspot import ACCESS_TOKEN, PolicyLimit


class Sleeps(list):
    """Records the pauses a client asks for instead of waiting them out."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


class RealSleeps(Sleeps):
    """Records the pauses and waits them out (for limits enforced by the server's clock)."""

    def __call__(self, seconds: float) -> None:
        super().__call__(seconds)
        time.sleep(seconds)


def _client(
    sandbox: Sandbox, sleeps: Sleeps, *, token: str = ACCESS_TOKEN, retries: int = 8
) -> CrmClient:
    return CrmClient(
        token,
        sandbox.url("hubspot"),
        retry=RetryPolicy(attempts=retries + 1, backoff_seconds=0.5, jitter=(1.0, 1.0)),
        sleep=sleeps,
    )


def test_rate_limit_bodies_name_their_policy() -> None:
    assert (
        rate_limit_policy(
            '{"status":"error","message":"You have reached your ten_secondly_rolling limit.",'
            '"errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}'
        )
        == TEN_SECONDLY
    )
    assert (
        rate_limit_policy(
            b'{"status":"error","message":"You have reached your secondly limit.","category":"RATE_LIMITS"}'
        )
        == SECONDLY
    )
    assert (
        rate_limit_policy({"message": "You have reached your daily limit.", "policyName": "DAILY"})
        == DAILY
    )
    assert rate_limit_policy("<html>busy</html>") == TEN_SECONDLY


def _answer(status: int, body: str = "", retry_after: str | None = None) -> ApiException:
    error = ApiException(status=status)
    error.body, error.headers = body, ({"Retry-After": retry_after} if retry_after else {})
    return error


SECONDLY_BODY = '{"message":"You have reached your secondly limit.","category":"RATE_LIMITS"}'
DAILY_BODY = '{"message":"You have reached your daily limit.","policyName":"DAILY"}'


def test_which_answers_are_retried() -> None:
    assert is_transient(_answer(429)) and is_transient(_answer(429, SECONDLY_BODY))
    assert not is_transient(_answer(429, DAILY_BODY))  # retrying cannot help until tomorrow
    assert all(is_transient(_answer(s)) for s in (0, 500, 502, 503, 504))
    assert not any(is_transient(_answer(s)) for s in (400, 401, 403, 404, 501))
    assert is_transient(ConnectionResetError()) and not is_transient(ValueError())


def test_the_search_limit_waits_its_one_second_window_without_retry_after() -> None:
    assert server_wait(_answer(429, SECONDLY_BODY)) == 1.0
    assert server_wait(_answer(429, SECONDLY_BODY, retry_after="3")) == 3.0
    assert server_wait(_answer(429)) is None  # ten-secondly: the back-off decides
    assert server_wait(_answer(503)) is None


def test_the_pacer_keeps_search_within_its_per_second_budget() -> None:
    now = [100.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(4, clock=lambda: now[0], sleep=sleep)
    assert [pacer.wait() for _ in range(4)] == [0.0] * 4
    assert pacer.wait() == pytest.approx(1.0)  # the fifth waits for the window to move
    now[0] += 0.5
    assert [pacer.wait() for _ in range(3)] == [0.0] * 3
    assert pacer.wait() == pytest.approx(0.5)  # a sliding window, not whole seconds
    assert Pacer(0).wait() == 0.0


def test_5xx_and_dropped_connections_are_retried_with_backoff(sandbox: Sandbox) -> None:
    sleeps = Sleeps()
    client = _client(sandbox, sleeps)
    sandbox.inject_faults(0.5, kinds=("5xx", "drop"), apis={"hubspot"}, seed=4)
    definitions = [client.properties(t) for t in ("contacts", "companies", "calls", "emails")]
    faults = [e.fault for e in sandbox.log.entries("hubspot") if e.fault]
    assert all(definitions) and faults  # every call succeeded although some failed first
    assert client.stats.retries == len(faults) == len(sleeps)
    assert {"drop", "500"} & set(faults) or {"502", "503"} & set(faults)
    assert client.stats.requests == len(sandbox.log.entries("hubspot"))


def test_429_waits_what_retry_after_says(sandbox: Sandbox) -> None:
    sleeps = Sleeps()
    client = _client(sandbox, sleeps, retries=2)
    sandbox.inject_faults(1.0, kinds=("429",), apis={"hubspot"}, retry_after=3)
    with pytest.raises(HubSpotError, match="still failing after 3 attempts"):
        client.properties("contacts")
    assert sleeps == [3.0, 3.0]
    assert len(sandbox.log.entries("hubspot")) == 3


def test_429_without_retry_after_backs_off_exponentially(sandbox: Sandbox) -> None:
    sleeps = Sleeps()
    client = _client(sandbox, sleeps, retries=3)
    sandbox.inject_faults(1.0, kinds=("429",), apis={"hubspot"}, retry_after=0)
    with pytest.raises(HubSpotError):
        client.properties("contacts")
    assert sleeps == [0.5, 1.0, 2.0]
    assert client.stats.by_reason == {"429 TEN_SECONDLY_ROLLING": 3}


def test_the_search_limit_is_honoured_when_enforced(sandbox: Sandbox) -> None:
    sleeps = RealSleeps()
    client = _client(sandbox, sleeps)
    sandbox.enforce_rate_limits(True, {"hubspot"})
    for _ in range(7):
        page = client.search(
            "contacts", filters=[], sort=("lastmodifieddate", "ASCENDING"), properties=[], limit=1
        )
        assert page.total == 160
    refused = [e for e in sandbox.log.entries("hubspot") if e.status == 429]
    assert refused and all(e.fault is None for e in refused)
    assert sleeps and all(s >= 1 for s in sleeps)  # Retry-After of the per-second window
    assert set(client.stats.by_reason) == {"429 SECONDLY"}


def test_the_daily_limit_stops_at_once(sandbox: Sandbox) -> None:
    sleeps = Sleeps()
    client = _client(sandbox, sleeps)
    api = sandbox.apis["hubspot"]
    api._daily = PolicyLimit(1, 86_400.0, policy="DAILY", tripped=api._tripped)
    sandbox.enforce_rate_limits(True, {"hubspot"})
    client.properties("contacts")
    with pytest.raises(HubSpotError, match="daily API limit"):
        client.properties("companies")
    assert sleeps == [] and len(sandbox.log.entries("hubspot")) == 2


def test_a_wrong_token_names_the_setting_and_never_the_token(sandbox: Sandbox) -> None:
    client = _client(sandbox, Sleeps(), token="pat-na1-not-the-right-one")
    with pytest.raises(SettingError) as caught:
        client.properties("contacts")
    message = str(caught.value)
    assert "SOURCES__HUBSPOT__ACCESS_TOKEN" in message and "401" in message
    assert "pat-na1-not-the-right-one" not in message
    assert len(sandbox.log.entries("hubspot")) == 1  # no retries on a rejected token


def test_a_refused_request_is_not_retried(sandbox: Sandbox) -> None:
    client = _client(sandbox, Sleeps())
    with pytest.raises(HubSpotError, match="HTTP 400") as caught:
        client.properties("sprockets")
    assert caught.value.status == 400
    assert len(sandbox.log.entries("hubspot")) == 1
