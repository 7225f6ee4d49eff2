"""The sandbox's shared machinery: routing, request log, fault injection, control endpoints."""

from __future__ import annotations

import contextlib
import http.client
import json
import time
import urllib.request

import pytest

from sandbox import Sandbox
from sandbox.faults import FAULT_KINDS, FaultPlan, RateLimit
from sandbox.hubspot import ACCESS_TOKEN

HUBSPOT_AUTH = {"Authorization": f"Bearer {ACCESS_TOKEN}"}
CONTACTS = "/hubspot/crm/v3/objects/contacts?limit=5"


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


def _connection(sandbox: Sandbox, timeout: float) -> http.client.HTTPConnection:
    host, port = sandbox.base_url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=timeout)


def test_slow_answer_comes_late_whole_and_holds_up_no_one(sandbox: Sandbox, capsys) -> None:
    sandbox.inject_faults(1.0, kinds=("slow",), apis={"hubspot"}, slow_seconds=1.0)
    gave_up = _connection(sandbox, timeout=0.2)  # a client whose timeout is shorter
    gave_up.request("GET", CONTACTS, headers=HUBSPOT_AUTH)
    with pytest.raises(TimeoutError):
        gave_up.getresponse()
    gave_up.close()

    waiting = _connection(sandbox, timeout=5)
    started = time.monotonic()
    waiting.request("GET", CONTACTS, headers=HUBSPOT_AUTH)
    # meanwhile other requests are answered at once: a slow answer holds only its own
    assert _get(sandbox.url("notion") + "/v1/users/me")[0] == 401
    assert time.monotonic() - started < 0.5
    response = waiting.getresponse()
    assert time.monotonic() - started >= 1.0
    assert response.status == 200 and len(json.loads(response.read())["results"]) == 5

    # the first slow answer went out to a client that had gone: the server carries on,
    # quietly, and keeps serving on the connection that waited
    sandbox.inject_faults(0.0)
    waiting.request("GET", CONTACTS, headers=HUBSPOT_AUTH)
    assert waiting.getresponse().status == 200
    assert [(e.status, e.fault) for e in sandbox.log.entries("hubspot")] == [
        (200, "slow"),
        (200, "slow"),
        (200, None),
    ]
    assert capsys.readouterr().err == ""


def test_stopping_the_sandbox_cuts_a_slow_answer_short() -> None:
    sandbox = Sandbox(port=0).start()
    sandbox.inject_faults(1.0, kinds=("slow",), slow_seconds=60)
    client = _connection(sandbox, timeout=10)
    client.request("GET", CONTACTS, headers=HUBSPOT_AUTH)
    started = time.monotonic()
    sandbox.stop()
    # the answer, at once rather than in a minute (or, stopped before it was read, none)
    with contextlib.suppress(http.client.HTTPException, OSError):
        assert client.getresponse().status == 200
    assert time.monotonic() - started < 5


def test_truncated_answer_announces_the_whole_body_and_ends_halfway(sandbox: Sandbox) -> None:
    whole = _connection(sandbox, timeout=5)
    whole.request("GET", CONTACTS, headers=HUBSPOT_AUTH)
    body = whole.getresponse().read()
    whole.close()

    sandbox.inject_faults(1.0, kinds=("truncate",), apis={"hubspot"})
    cut = _connection(sandbox, timeout=5)
    cut.request("GET", CONTACTS, headers=HUBSPOT_AUTH)
    response = cut.getresponse()
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert int(response.headers["Content-Length"]) == len(body)
    with pytest.raises(http.client.IncompleteRead) as caught:
        response.read()  # the connection closed after half the announced bytes
    assert caught.value.partial == body[: len(body) // 2]
    with pytest.raises(ValueError):
        json.loads(caught.value.partial)
    assert sandbox.log.entries("hubspot")[-1].fault == "truncate"
    assert sandbox.log.entries("hubspot")[-1].status == 200


@pytest.mark.parametrize(
    ("api", "path", "retry_after"),
    [
        ("notion", "/v1/users/me", "2"),
        ("hubspot", "/crm/v3/objects/contacts", "2"),
        ("google_people", "/v1/people/me/connections", None),  # Google sends none
    ],
)
def test_injected_429_carries_retry_after_where_the_api_sends_one(
    sandbox: Sandbox, api: str, path: str, retry_after: str | None
) -> None:
    sandbox.inject_faults(1.0, kinds=("429",), retry_after=2)
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(sandbox.url(api) + path)
    assert caught.value.code == 429
    assert caught.value.headers.get("Retry-After") == retry_after


def test_every_kind_is_drawn_and_replayed(sandbox: Sandbox) -> None:
    draws = []
    for _ in range(2):
        sandbox.faults.configure(FaultPlan(rate=0.5, kinds=FAULT_KINDS, seed=3))
        draws.append([sandbox.faults.draw("notion") for _ in range(500)])
    assert draws[0] == draws[1]
    assert set(draws[0]) == {None, "429", "500", "502", "503", "drop", "slow", "truncate"}


@pytest.mark.parametrize(
    "plan",
    [
        {"kinds": ("timeout",)},
        {"kinds": ()},
        {"retry_after": -1},
        {"slow_seconds": -1.0},
        {"rate": 1.5},
    ],
)
def test_fault_plans_refuse_what_cannot_be_injected(plan: dict) -> None:
    with pytest.raises(ValueError):
        FaultPlan(**plan)


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
    request = urllib.request.Request(
        sandbox.base_url + "/_sandbox/faults",
        method="PUT",
        data=json.dumps(
            {"rate": 0.2, "kinds": ["slow", "truncate"], "retry_after": 1, "slow_seconds": 2.5}
        ).encode(),
    )
    with urllib.request.urlopen(request) as response:
        plan = json.loads(response.read())
    assert plan["kinds"] == ["slow", "truncate"] and plan["slow_seconds"] == 2.5
    assert (sandbox.faults.plan.retry_after, sandbox.faults.plan.slow_seconds) == (1, 2.5)
