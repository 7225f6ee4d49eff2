"""The source's HTTP client: retries for every method, Retry-After honoured, clear failures."""

from __future__ import annotations

import pytest

from pipelines.core.retry import RetryPolicy
from pipelines.core.settings import SettingError
from pipelines.notion.client import NotionClient, NotionRequestFailed, normalise_base_url
from sandbox import Sandbox
from sandbox.notion import API_KEY, NotionApi
from sandbox.wire import Response


def client(sandbox: Sandbox, waits: list[float], attempts: int = 4, key: str = API_KEY):
    return NotionClient(
        key,
        sandbox.url("notion"),
        retry=RetryPolicy(attempts=attempts, backoff_seconds=0.25),
        sleep=waits.append,  # record the waits instead of sleeping
    )


def test_429_waits_exactly_what_retry_after_says(sandbox: Sandbox, notion: NotionApi) -> None:
    waits: list[float] = []
    sandbox.inject_faults(1.0, kinds=("429",), apis={"notion"}, retry_after=7)
    with pytest.raises(NotionRequestFailed, match="429 rate_limited.*after 4 attempts"):
        client(sandbox, waits).database(notion.habits.daily_database_id)
    assert waits == [7.0, 7.0, 7.0]


def test_query_post_is_retried_on_5xx_and_dropped_connections(
    sandbox: Sandbox, notion: NotionApi
) -> None:
    waits: list[float] = []
    notion_client = client(sandbox, waits, attempts=30)
    source_id = notion.store.data_source("Daily Habits").id
    sandbox.inject_faults(0.6, kinds=("5xx", "drop"), apis={"notion"}, seed=3)
    pages = list(notion_client.query_pages(source_id))
    faults = [e for e in sandbox.log.entries("notion") if e.fault]
    assert len(pages) == len(notion.store.pages_of("Daily Habits"))
    assert {e.method for e in faults} == {"POST"}
    assert {e.fault for e in faults} >= {"drop"} and any(e.status >= 500 for e in faults)
    assert len(waits) == len(faults)
    # backoff without Retry-After: 0.25 s doubling per attempt, jittered by 0.5-1.5
    assert min(waits) >= 0.125 and max(waits) <= 120


def test_retries_are_bounded_and_name_the_request(sandbox: Sandbox, notion: NotionApi) -> None:
    waits: list[float] = []
    sandbox.inject_faults(1.0, kinds=("drop",), apis={"notion"})
    with pytest.raises(NotionRequestFailed, match="read database failed after 3 attempts"):
        client(sandbox, waits, attempts=3).database(notion.habits.daily_database_id)
    assert len(waits) == 2 and len(sandbox.log.entries("notion")) == 3


def test_wrong_token_is_a_settings_error_without_the_token(
    sandbox: Sandbox, notion: NotionApi
) -> None:
    with pytest.raises(SettingError) as caught:
        client(sandbox, [], key="ntn_wrong_token_0123456789").database(
            notion.habits.daily_database_id
        )
    message = str(caught.value)
    assert "401" in message and "SOURCES__NOTION__API_KEY" in message
    assert "ntn_wrong_token_0123456789" not in message


def test_unknown_ids_read_as_none(sandbox: Sandbox, notion: NotionApi) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    notion_client = client(sandbox, [])
    assert notion_client.database(missing) is None
    assert notion_client.page(missing) is None


def test_base_url_may_end_in_v1_or_a_slash() -> None:
    assert normalise_base_url("https://api.notion.com/v1/") == "https://api.notion.com"
    assert normalise_base_url("http://127.0.0.1:8765/notion") == "http://127.0.0.1:8765/notion"


def test_retry_after_may_be_an_http_date(sandbox: Sandbox, notion: NotionApi, monkeypatch) -> None:
    waits: list[float] = []
    past, far_ahead = "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 01 Jan 2100 00:00:00 GMT"
    dates = iter([past, far_ahead, past])

    def rate_limited(retry_after: int) -> Response:
        response = Response(429, {"object": "error", "status": 429, "code": "rate_limited"})
        response.headers["Retry-After"] = next(dates)
        return response

    monkeypatch.setattr(notion, "rate_limited", rate_limited)
    sandbox.inject_faults(1.0, kinds=("429",), apis={"notion"})
    with pytest.raises(NotionRequestFailed, match="HTTP 429"):
        client(sandbox, waits, attempts=3).database(notion.habits.daily_database_id)
    # a date passed asks for nothing: the back-off (0.25 s, jittered) waits; far ahead: the cap
    assert 0.125 <= waits[0] <= 0.375 and waits[1:] == [120.0]


@pytest.mark.parametrize("status", [409, 529])
def test_conflict_and_overload_without_an_error_code_are_retried(
    sandbox: Sandbox, notion: NotionApi, monkeypatch, status: int
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(notion, "server_error", lambda _: Response(status, {"message": "busy"}))
    sandbox.inject_faults(1.0, kinds=("5xx",), apis={"notion"})
    with pytest.raises(NotionRequestFailed, match=f"HTTP {status}.*after 3 attempts"):
        client(sandbox, waits, attempts=3).database(notion.habits.daily_database_id)
    assert len(waits) == 2
