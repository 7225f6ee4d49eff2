"""The sandbox's shared machinery: routing, request log, fault injection, control endpoints."""

from __future__ import annotations

import http.client
import json
import urllib.request

import pytest

from sandbox import Sandbox
from sandbox.faults import FaultPlan, RateLimit


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_unknown_prefix_is_404_and_logged_per_api(sandbox: Sandbox) -> None:
    assert _get(sandbox.base_url + "/nowhere")[0] == 404
    status, _ = _get(sandbox.url("hubspot") + "/crm/v3/no-such-route")
    assert status == 404
    entries = sandbox.log.entries("hubspot")
    assert [(e.method, e.path, e.status) for e in entries] == [
        ("GET", "/crm/v3/no-such-route", 404)
    ]
    assert sandbox.log.entries("notion") == []


def test_every_request_faults_at_rate_one(sandbox: Sandbox) -> None:
    sandbox.inject_faults(1.0, kinds=("429",), retry_after=3)
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(sandbox.url("hubspot") + "/crm/v3/objects/contacts")
    assert caught.value.code == 429
    assert caught.value.headers["Retry-After"] == "3"
    assert sandbox.log.entries()[-1].fault == "429"


def test_dropped_connection_sends_no_status_line(sandbox: Sandbox) -> None:
    sandbox.inject_faults(1.0, kinds=("drop",))
    host, port = sandbox.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request("GET", "/notion/v1/users/me")
    with pytest.raises(http.client.RemoteDisconnected):
        connection.getresponse()
    assert sandbox.log.entries()[-1].status == 0


def test_fault_rate_is_seeded_and_roughly_respected(sandbox: Sandbox) -> None:
    draws = []
    for _ in range(2):
        sandbox.faults.configure(FaultPlan(rate=0.15, seed=42))
        draws.append([sandbox.faults.draw("notion") for _ in range(2000)])
    assert draws[0] == draws[1]
    share = sum(d is not None for d in draws[0]) / len(draws[0])
    assert 0.12 < share < 0.18


def test_faults_can_target_one_api(sandbox: Sandbox) -> None:
    sandbox.faults.configure(FaultPlan(rate=1.0, apis=frozenset({"hubspot"})))
    assert sandbox.faults.draw("notion") is None
    assert sandbox.faults.draw("hubspot") is not None


def test_sliding_window_rate_limit() -> None:
    limit = RateLimit(requests=3, per_seconds=1.0)
    assert [limit.admit(now=10.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limit.admit(now=10.5) == pytest.approx(0.5)
    assert limit.admit(now=11.0) == 0.0


def test_control_endpoints_expose_log_and_switch_faults(sandbox: Sandbox) -> None:
    _get(sandbox.url("google_people") + "/v1/nothing-here")
    status, body = _get(sandbox.base_url + "/_sandbox/requests?api=google_people")
    assert status == 200 and [e["path"] for e in json.loads(body)] == ["/v1/nothing-here"]
    request = urllib.request.Request(
        sandbox.base_url + "/_sandbox/faults",
        method="PUT",
        data=json.dumps({"rate": 0.5, "kinds": ["5xx"]}).encode(),
    )
    with urllib.request.urlopen(request) as response:
        assert json.loads(response.read())["rate"] == 0.5
    assert sandbox.faults.plan.kinds == ("5xx",)
