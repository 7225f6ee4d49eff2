"""Faults, quotas, refused credentials and failed runs: the sync token never skips data."""

from __future__ import annotations

import json

import httplib2
import pytest
from dlt.pipeline.pipeline import Pipeline
from googleapiclient.errors import HttpError

from pipelines.core.redaction import MASK, redactor
from pipelines.core.retry import RetryPolicy
from pipelines.google_people.client import (
    GoogleApiError,
    PeopleClient,
    SourceSettingError,
    SyncTokenExpired,
)
from pipelines.google_people.credentials import GoogleOAuthUserCredentials
from sandbox import Sandbox
from sandbox.google_people import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, ContactsStore
from tests.utils import PipelineEnv

from .conftest import connection_calls

WRONG_TOKEN = "1//wrong-refresh-token-4f1c9a"


def titles(env: PipelineEnv) -> dict[str, str | None]:
    return dict(env.query("select resource_name, job_title from raw_google.contacts"))


def live(env: PipelineEnv) -> set[str]:
    return {
        r[0]
        for r in env.query("select resource_name from raw_google.contacts where not is_deleted")
    }


def test_faults_at_15_percent_change_nothing_in_the_result(
    load, google_env: PipelineEnv, sandbox: Sandbox, store: ContactsStore, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCES__GOOGLE_PEOPLE__PAGE_SIZE", "10")
    sandbox.inject_faults(0.15, apis={"google_people"}, seed=1)
    assert load() == 0, load.output.err
    assert live(google_env) == set(store.resource_names())

    edited, deleted = store.resource_names()[10:12]
    store.edit_person(edited, job_title="Harbour Master")
    store.delete_person(deleted)
    added = store.add_person("Hedy", "Markey", emails=["hedy@example.org"])
    assert load() == 0, load.output.err
    assert live(google_env) == set(store.resource_names()) and added in live(google_env)
    assert titles(google_env)[edited] == "Harbour Master"
    assert google_env.row_counts("raw_google") == {"contact_groups": 14, "contacts": 301}

    faults = {e.fault for e in sandbox.log.entries() if e.fault}
    assert {"429", "drop"} <= faults and faults & {"500", "502", "503"}


def test_token_endpoint_faults_are_retried_too(
    load, google_env: PipelineEnv, sandbox: Sandbox
) -> None:
    sandbox.inject_faults(1.0, kinds=("drop",), apis={"google_oauth"})
    original = sandbox.faults.draw
    budget = iter(range(3))  # the first three token requests drop, then the endpoint heals

    def draw(api: str):
        return original(api) if api == "google_oauth" and next(budget, None) is not None else None

    sandbox.faults.draw = draw
    assert load() == 0, load.output.err
    token_calls = [e.status for e in sandbox.log.entries("google_oauth")]
    assert token_calls[-1] == 200 and 0 in token_calls
    assert google_env.row_counts("raw_google")["contacts"] == 300


@pytest.mark.parametrize(
    ("variable", "value", "named", "code"),
    [
        (
            "REFRESH_TOKEN",
            WRONG_TOKEN,
            "SOURCES__GOOGLE_PEOPLE__CREDENTIALS__REFRESH_TOKEN",
            "invalid_grant",
        ),
        (
            "CLIENT_SECRET",
            "wrong-secret-0b7e2d",
            "SOURCES__GOOGLE_PEOPLE__CREDENTIALS__CLIENT_ID",
            "invalid_client",
        ),
    ],
)
def test_refused_credentials_fail_fast_naming_the_setting(
    load, google_env: PipelineEnv, sandbox: Sandbox, monkeypatch, variable, value, named, code
) -> None:
    monkeypatch.setenv(f"SOURCES__GOOGLE_PEOPLE__CREDENTIALS__{variable}", value)
    assert load() == 2
    out, err = load.output
    assert named in err and code in err
    assert value not in out + err
    assert len(sandbox.log.entries("google_oauth")) == 1  # no retries of a refusal
    assert sandbox.log.entries("google_people") == []
    tables = google_env.query(
        "select count(*) from information_schema.tables where table_schema = 'raw_google' "
        "and table_name in ('contacts', 'contact_groups')"
    )
    rows = google_env.query("select count(*) from raw_google.contacts") if tables[0][0] else [(0,)]
    assert rows == [(0,)]  # nothing written


def test_revoked_access_after_a_good_run_fails_with_exit_2(
    load, google_env: PipelineEnv, sandbox: Sandbox
) -> None:
    assert load() == 0, load.output.err
    sandbox.apis["google_oauth"].revoke_refresh_token()
    assert load() == 2
    assert "SOURCES__GOOGLE_PEOPLE__CREDENTIALS__REFRESH_TOKEN" in load.output.err


def test_extract_failing_mid_sync_keeps_the_previous_token(
    load, google_env: PipelineEnv, sandbox: Sandbox, store: ContactsStore, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCES__GOOGLE_PEOPLE__PAGE_SIZE", "50")
    monkeypatch.setenv("SOURCES__GOOGLE_PEOPLE__MAX_ATTEMPTS", "3")
    assert load() == 0, load.output.err
    names = store.resource_names()
    for name in names[:120]:  # enough changes for three pages of changes
        store.edit_person(name, job_title="Changed")
    original = sandbox.faults.draw
    served = iter(range(2))  # two requests are served (page 1 of 3 among them), then 500s

    def draw(api: str):
        if api != "google_people":
            return original(api)
        return None if next(served, None) is not None else "500"

    sandbox.faults.draw = draw
    assert load() == 1
    assert "Google kept failing after 3 attempts" in load.output.err
    assert sum(t == "Changed" for t in titles(google_env).values()) == 0

    sandbox.faults.draw = original
    sandbox.log.clear()
    assert load() == 0, load.output.err
    calls = connection_calls(sandbox)
    assert calls[0]["syncToken"] and len(calls) == 3  # the same changes, from the old token
    assert sum(t == "Changed" for t in titles(google_env).values()) == 120


@pytest.mark.parametrize("stage", ["check", "load"])
def test_a_failed_run_leaves_token_and_tables_consistent(
    load, google_env: PipelineEnv, store: ContactsStore, monkeypatch, stage
) -> None:
    assert load() == 0, load.output.err
    first, second = store.resource_names()[:2]
    store.edit_person(first, job_title="First change")

    def broken(*args, **kwargs):
        raise RuntimeError(f"{stage} failed")

    with monkeypatch.context() as patch:
        if stage == "check":
            patch.setattr("pipelines.contract.check", broken)
        else:
            patch.setattr(Pipeline, "load", broken)
        assert load() == 1
    assert titles(google_env)[first] != "First change"

    store.edit_person(second, job_title="Second change")
    assert load() == 0, load.output.err
    assert titles(google_env)[first] == "First change"
    assert titles(google_env)[second] == "Second change"
    assert live(google_env) == set(store.resource_names())


# -- how the client reads Google's answers ---------------------------------------------


def offline_client(retry: RetryPolicy, sleeps: list[float] | None = None) -> PeopleClient:
    """A client with nowhere to connect: for feeding it answers by hand."""
    credentials = GoogleOAuthUserCredentials()
    credentials.client_id, credentials.client_secret, credentials.refresh_token = "id", "s", "r"
    return PeopleClient(
        credentials.to_native_credentials("http://127.0.0.1:9/token"),
        base_url="http://127.0.0.1:9/",
        page_size=10,
        retry=retry,
        timeout_seconds=1,
        sleep=(sleeps if sleeps is not None else []).append,
    )


@pytest.fixture
def client() -> PeopleClient:
    return offline_client(RetryPolicy(2, 0.0))


def http_error(status: int, body: dict | None = None, retry_after: str | None = None) -> HttpError:
    content = json.dumps({"error": body}).encode() if body else b"<html>oops</html>"
    headers = {"status": status, **({"retry-after": retry_after} if retry_after else {})}
    return HttpError(httplib2.Response(headers), content)


EXPIRED_MESSAGE = "Sync token is expired. Clear local cache and retry call without the sync token."
EXPIRED_INFO = {
    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
    "reason": "EXPIRED_SYNC_TOKEN",
    "domain": "people.googleapis.com",
}


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, {"code": 400, "status": "FAILED_PRECONDITION", "details": [EXPIRED_INFO]}),
        (400, {"code": 400, "status": "INVALID_ARGUMENT", "details": [EXPIRED_INFO]}),
        (400, {"code": 400, "status": "INVALID_ARGUMENT", "message": EXPIRED_MESSAGE}),
        (400, {"code": 400, "status": "INVALID_ARGUMENT", "message": "Invalid sync token."}),
        (410, {"code": 410, "message": "gone"}),
        (410, None),  # an HTML page
    ],
)
def test_every_known_refusal_of_a_sync_token_means_sync_fully(
    client: PeopleClient, status, body
) -> None:
    with pytest.raises(SyncTokenExpired):
        client._raise_unless_retryable(http_error(status, body), syncing=True)


def test_a_400_to_a_full_sync_is_a_plain_failure(client: PeopleClient) -> None:
    body = {"code": 400, "status": "INVALID_ARGUMENT", "message": "personFields mask is required."}
    with pytest.raises(GoogleApiError, match="personFields mask is required"):
        client._raise_unless_retryable(http_error(400, body), syncing=False)


def test_expired_access_token_is_refreshed_and_never_printed(
    sandbox: Sandbox, store: ContactsStore
) -> None:
    credentials = GoogleOAuthUserCredentials()
    credentials.client_id = CLIENT_ID
    credentials.client_secret, credentials.refresh_token = CLIENT_SECRET, REFRESH_TOKEN
    people = PeopleClient(
        credentials.to_native_credentials(sandbox.url("google_oauth") + "/token"),
        base_url=sandbox.url("google_people"),  # a path prefix, and no trailing slash
        page_size=1000,
        retry=RetryPolicy(1, 0.0),
        timeout_seconds=5,
    )
    assert len(next(people.connection_pages(None))["connections"]) == 300
    first_token = people.credentials.token
    sandbox.clock.advance(hours=2)  # Google has expired it; the client still trusts it
    assert len(next(people.connection_pages(None))["connections"]) == 300
    calls = [(e.api, e.status) for e in sandbox.log.entries()]
    assert calls == [
        ("google_oauth", 200),
        ("google_people", 200),
        ("google_people", 401),
        ("google_oauth", 200),
        ("google_people", 200),
    ]
    for token in (first_token, people.credentials.token):
        assert redactor.redact(f"Bearer {token}") == f"Bearer {MASK}"


def test_rate_limit_reasons_on_403_are_retried(client: PeopleClient) -> None:
    error = http_error(403, {"code": 403, "errors": [{"reason": "userRateLimitExceeded"}]})
    # returning (instead of raising) is the signal to retry
    assert client._raise_unless_retryable(error, syncing=False) is None


@pytest.mark.parametrize(
    ("status", "setting"),
    [(401, "REFRESH_TOKEN"), (403, "REFRESH_TOKEN"), (404, "SOURCES__GOOGLE_PEOPLE__BASE_URL")],
)
def test_answers_that_will_not_change_name_a_setting(client: PeopleClient, status, setting) -> None:
    with pytest.raises(SourceSettingError) as caught:
        client._raise_unless_retryable(
            http_error(status, {"code": status, "status": "X"}), syncing=False
        )
    assert setting in str(caught.value)


def test_other_client_errors_fail_without_retry(client: PeopleClient) -> None:
    with pytest.raises(GoogleApiError, match="HTTP 409"):
        client._raise_unless_retryable(
            http_error(409, {"code": 409, "status": "ABORTED"}), syncing=False
        )


class Answers:
    """A request whose executions raise the given errors in turn, then succeed."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def execute(self, num_retries: int = 0) -> dict:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"connections": []}


def slow_down(status: int, retry_after: str | None = None) -> HttpError:
    return http_error(status, {"code": status, "status": "RESOURCE_EXHAUSTED"}, retry_after)


def sleepy_client(sleeps: list[float], attempts: int) -> PeopleClient:
    return offline_client(RetryPolicy(attempts, 1.0, jitter=(1.0, 1.0)), sleeps)


def test_transient_answers_are_retried_with_backoff_and_retry_after() -> None:
    sleeps: list[float] = []
    rate_limited = http_error(403, {"code": 403, "errors": [{"reason": "rateLimitExceeded"}]})
    request = Answers(slow_down(503), ConnectionResetError(), slow_down(429, "9"), rate_limited)
    assert sleepy_client(sleeps, 5).execute(request) == {"connections": []}
    assert request.calls == 5
    assert sleeps == [1.0, 2.0, 9.0, 8.0]  # Retry-After wins over the 4 s back-off


def test_retries_run_out_with_a_clear_error() -> None:
    sleeps: list[float] = []
    request = Answers(*(slow_down(500) for _ in range(3)))
    with pytest.raises(GoogleApiError, match="kept failing after 2 attempts.*HTTP 500"):
        sleepy_client(sleeps, 2).execute(request)
    assert request.calls == 2 and sleeps == [1.0]


def test_an_expired_sync_token_is_not_retried() -> None:
    sleeps: list[float] = []
    request = Answers(http_error(410, {"code": 410, "message": "gone"}))
    with pytest.raises(SyncTokenExpired):
        sleepy_client(sleeps, 5).execute(request, syncing=True)
    assert request.calls == 1 and sleeps == []
