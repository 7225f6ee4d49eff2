"""The Notion sandbox speaks the 2025-09-03 wire format, driven through the official SDK."""

from __future__ import annotations

import json
from datetime import date

import httpx
import notion_client
import pytest
from notion_client.errors import APIErrorCode, APIResponseError

from sandbox import Sandbox
from sandbox.notion import API_KEY, NotionApi, NotionStore
from sandbox.notion.sample import DAILY, WEEKLY


def daily_source_id(notion_sdk: notion_client.Client, notion: NotionApi) -> str:
    database = notion_sdk.databases.retrieve(database_id=notion.habits.daily_database_id)
    return database["data_sources"][0]["id"]


def collect(notion_sdk: notion_client.Client, source_id: str, **body) -> list[dict]:
    return notion_client.helpers.collect_paginated_api(
        notion_sdk.data_sources.query, data_source_id=source_id, **body
    )


def test_database_lists_its_data_sources_without_a_schema(notion_sdk, notion: NotionApi) -> None:
    database = notion_sdk.databases.retrieve(database_id=notion.habits.daily_database_id)
    assert database["object"] == "database"
    assert "properties" not in database
    assert [ds["name"] for ds in database["data_sources"]] == [DAILY]
    assert database["title"][0]["plain_text"] == DAILY


def test_data_source_carries_the_property_schema(notion_sdk, notion: NotionApi) -> None:
    weekly_db = notion_sdk.databases.retrieve(database_id=notion.habits.weekly_database_id)
    schema = notion_sdk.data_sources.retrieve(data_source_id=weekly_db["data_sources"][0]["id"])
    props = schema["properties"]
    assert schema["object"] == "data_source" and schema["parent"]["database_id"] == weekly_db["id"]
    assert {name: p["type"] for name, p in props.items()} == {
        "Week": "title",
        "Week of": "date",
        "Weekly review": "checkbox",
        "Long run": "checkbox",
        "Called family": "checkbox",
        "Deep work hours": "number",
        "Energy": "select",
        "Status": "status",
        "Ref": "unique_id",
        "URL": "url",
        "Days": "relation",
        "Days logged": "rollup",
        "Completion": "formula",
    }
    assert all(p["name"] == name and p["id"] for name, p in props.items())
    assert [o["name"] for o in props["Energy"]["select"]["options"]] == ["High", "Medium", "Low"]
    assert props["Days"]["relation"]["type"] == "dual_property"
    assert props["Days logged"]["rollup"]["relation_property_id"] == props["Days"]["id"]
    assert props["Ref"]["unique_id"] == {"prefix": "WK"}


def test_query_pages_through_every_page_once_with_whole_minute_timestamps(
    notion_sdk, notion: NotionApi, notion_store: NotionStore
) -> None:
    source_id = daily_source_id(notion_sdk, notion)
    first = notion_sdk.data_sources.query(data_source_id=source_id, page_size=100)
    assert first["object"] == "list" and len(first["results"]) == 100
    assert first["has_more"] is True and first["next_cursor"]
    pages = collect(notion_sdk, source_id, page_size=100)
    ids = [p["id"] for p in pages]
    assert len(ids) == len(set(ids)) == len(notion_store.pages_of(DAILY))
    assert all(p["last_edited_time"].endswith(":00.000Z") for p in pages)
    assert all(p["parent"]["data_source_id"] == source_id for p in pages)


def test_page_size_above_100_is_a_validation_error(notion_sdk, notion: NotionApi) -> None:
    with pytest.raises(APIResponseError) as caught:
        notion_sdk.data_sources.query(
            data_source_id=daily_source_id(notion_sdk, notion), page_size=101
        )
    assert caught.value.status == 400
    assert caught.value.code == APIErrorCode.ValidationError
    assert "page_size" in str(caught.value)


def test_timestamp_and_compound_property_filters_with_sorts(
    notion_sdk, notion: NotionApi, notion_store: NotionStore
) -> None:
    source_id = daily_source_id(notion_sdk, notion)
    edited = notion_store.pages_of(DAILY)[10]
    notion_store.edit_page(edited.id, {"Workout": True, "Mood": "Great"})
    recent = collect(
        notion_sdk,
        source_id,
        filter={
            "timestamp": "last_edited_time",
            "last_edited_time": {"on_or_after": "2026-11-02T09:00:00.000Z"},
        },
    )
    assert [p["id"] for p in recent] == [edited.id]
    matching = collect(
        notion_sdk,
        source_id,
        filter={
            "and": [
                {"property": "Workout", "checkbox": {"equals": True}},
                {
                    "or": [
                        {"property": "Mood", "select": {"equals": "Great"}},
                        {"property": "Steps", "number": {"greater_than": 14000}},
                    ]
                },
            ]
        },
        sorts=[{"property": "Date", "direction": "descending"}],
    )
    expected = [
        p
        for p in notion_store.pages_of(DAILY)
        if notion_store.plain_value(p, notion_store.data_source(DAILY).find("Workout"))
        and (
            notion_store.plain_value(p, notion_store.data_source(DAILY).find("Mood")) == "Great"
            or (notion_store.plain_value(p, notion_store.data_source(DAILY).find("Steps")) or 0)
            > 14000
        )
    ]
    assert {p["id"] for p in matching} == {p.id for p in expected} and edited.id in {
        p["id"] for p in matching
    }
    dates = [p["properties"]["Date"]["date"]["start"] for p in matching]
    assert dates == sorted(dates, reverse=True)


def test_trashed_pages_leave_queries_but_stay_readable(
    notion_sdk, notion: NotionApi, notion_store
) -> None:
    source_id = daily_source_id(notion_sdk, notion)
    page = notion_store.pages_of(DAILY)[0]
    notion_sdk.pages.update(page_id=page.id, in_trash=True)
    live = {p["id"] for p in collect(notion_sdk, source_id)}
    trashed = collect(notion_sdk, source_id, in_trash=True)
    assert page.id not in live and [p["id"] for p in trashed] == [page.id]
    assert notion_sdk.pages.retrieve(page_id=page.id)["in_trash"] is True


def test_filter_properties_keeps_only_the_named_properties(notion_sdk, notion: NotionApi) -> None:
    result = notion_sdk.data_sources.query(
        data_source_id=daily_source_id(notion_sdk, notion), filter_properties=["title"], page_size=5
    )
    assert all(list(p["properties"]) == ["Day"] for p in result["results"])
    assert all(p["last_edited_time"] for p in result["results"])


def test_relations_beyond_25_are_cut_in_pages_and_complete_per_property(
    notion_sdk, notion_store: NotionStore
) -> None:
    week = notion_store.pages_of(WEEKLY)[-1]
    days = [p.id for p in notion_store.pages_of(DAILY)[:30]]
    notion_store.set_relation(week.id, "Days", days)
    page = notion_sdk.pages.retrieve(page_id=week.id)
    relation = page["properties"]["Days"]
    assert len(relation["relation"]) == 25 and relation["has_more"] is True
    assert page["properties"]["Days logged"]["rollup"]["number"] == 25  # Notion's limit
    collected, cursor = [], None
    while True:
        chunk = notion_sdk.pages.properties.retrieve(
            page_id=week.id, property_id=relation["id"], page_size=10, start_cursor=cursor
        )
        assert chunk["type"] == "property_item" and chunk["property_item"]["type"] == "relation"
        collected += [item["relation"]["id"] for item in chunk["results"]]
        cursor = chunk["next_cursor"]
        if not chunk["has_more"]:
            break
    assert collected == days
    rollup = notion_sdk.pages.properties.retrieve(
        page_id=week.id, property_id=page["properties"]["Days logged"]["id"]
    )
    assert rollup["property_item"]["rollup"] == {
        "type": "number",
        "number": 30,
        "function": "count",
    }
    synced = notion_sdk.pages.retrieve(page_id=days[0])["properties"]["Week"]["relation"]
    assert {"id": week.id} in synced  # two-way relations stay in step


def test_simple_property_item_is_one_value(notion_sdk, notion_store: NotionStore) -> None:
    page = notion_store.pages_of(DAILY)[5]
    prop = notion_store.data_source(DAILY).find("Steps")
    item = notion_sdk.pages.properties.retrieve(page_id=page.id, property_id=prop.id)
    assert item["object"] == "property_item" and item["number"] == page.values[prop.id]


def test_page_update_stamps_the_clock_minute(
    notion_sdk, sandbox: Sandbox, notion_store: NotionStore
) -> None:
    page = notion_store.pages_of(DAILY)[3]
    sandbox.clock.advance(seconds=40)  # 09:00:52 -> stored as 09:00
    updated = notion_sdk.pages.update(
        page_id=page.id,
        properties={"Sleep hours": {"number": 6.5}, "Mood": {"select": {"name": "Low"}}},
    )
    assert updated["last_edited_time"] == "2026-11-02T09:00:00.000Z"
    assert updated["properties"]["Sleep hours"]["number"] == 6.5
    assert updated["properties"]["Mood"]["select"]["name"] == "Low"


def test_users_me_is_the_integration_bot(notion_sdk) -> None:
    me = notion_sdk.users.me()
    assert me["object"] == "user" and me["type"] == "bot"


def test_wrong_token_gets_notions_401_body(sandbox: Sandbox, notion: NotionApi) -> None:
    response = httpx.get(
        sandbox.url("notion") + "/v1/users/me",
        headers={"Authorization": "Bearer wrong", "Notion-Version": "2025-09-03"},
    )
    body = response.json()
    assert response.status_code == 401 and body.pop("request_id")
    assert body == {
        "object": "error",
        "status": 401,
        "code": "unauthorized",
        "message": "API token is invalid.",
    }


def test_missing_version_header_is_rejected(sandbox: Sandbox, notion: NotionApi) -> None:
    response = httpx.get(
        sandbox.url("notion") + "/v1/users/me", headers={"Authorization": f"Bearer {API_KEY}"}
    )
    assert response.status_code == 400 and response.json()["code"] == "missing_version"


def test_unknown_page_is_object_not_found(notion_sdk) -> None:
    with pytest.raises(APIResponseError) as caught:
        notion_sdk.pages.retrieve(page_id="00000000-0000-4000-8000-000000000000")
    assert caught.value.status == 404 and caught.value.code == APIErrorCode.ObjectNotFound


def test_unshared_page_is_not_found_anywhere(
    notion_sdk, notion: NotionApi, notion_store: NotionStore
) -> None:
    page = notion_store.pages_of(DAILY)[7]
    notion_store.unshare_page(page.id)
    with pytest.raises(APIResponseError):
        notion_sdk.pages.retrieve(page_id=page.id)
    assert page.id not in {
        p["id"] for p in collect(notion_sdk, daily_source_id(notion_sdk, notion))
    }


def test_unknown_route_is_an_invalid_request_url(sandbox: Sandbox, notion: NotionApi) -> None:
    response = httpx.get(
        sandbox.url("notion") + "/v1/nowhere",
        headers={"Authorization": f"Bearer {API_KEY}", "Notion-Version": "2025-09-03"},
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_request_url"


def test_injected_faults_use_notions_error_shapes(sandbox: Sandbox, notion_sdk) -> None:
    sandbox.inject_faults(1.0, kinds=("429",), apis={"notion"}, retry_after=3)
    with pytest.raises(APIResponseError) as limited:
        notion_sdk.users.me()
    assert limited.value.code == APIErrorCode.RateLimited
    assert limited.value.headers["retry-after"] == "3"
    sandbox.inject_faults(1.0, kinds=("5xx",), apis={"notion"})
    codes = set()
    for _ in range(12):
        try:
            notion_sdk.users.me()
        except notion_client.errors.HTTPResponseError as error:
            codes.add((error.status, json.loads(error.body)["code"]))
    assert codes <= {
        (500, "internal_server_error"),
        (502, "bad_gateway"),
        (503, "service_unavailable"),
    }
    assert len(codes) >= 2


def test_documented_rate_limit_answers_429_with_retry_after(sandbox: Sandbox, notion_sdk) -> None:
    sandbox.enforce_rate_limits(True, apis={"notion"})
    answers = []
    for _ in range(8):
        try:
            notion_sdk.users.me()
            answers.append(200)
        except APIResponseError as error:
            answers.append(error.status)
            assert int(error.headers["retry-after"]) >= 1
    assert answers[:6] == [200] * 6 and 429 in answers[6:]


def test_sample_data_is_deterministic_for_seed_and_anchor(sandbox: Sandbox) -> None:
    from sandbox.clock import Clock

    def snapshot(seed: int) -> list[tuple]:
        api = NotionApi(Clock(), seed=seed, anchor=date(2026, 10, 31))
        return [
            (p.id, p.last_edited_time, sorted(map(str, p.values.values())))
            for p in api.store.pages.values()
        ]

    assert snapshot(7) == snapshot(7)
    assert snapshot(7) != snapshot(8)
    store = sandbox.apis["notion"].store
    dates = [
        p.values[store.data_source(DAILY).find("Date").id]["start"] for p in store.pages_of(DAILY)
    ]
    assert dates[-1] == "2026-10-31" and 350 <= len(dates) < 365
    assert max(p.last_edited_time for p in store.pages.values()) <= sandbox.clock.now()


def test_page_update_refuses_unknown_and_computed_properties(
    notion_sdk, notion_store: NotionStore
) -> None:
    page = notion_store.pages_of(DAILY)[4]
    messages = []
    for properties in ({"Nope": {"number": 1}}, {"Score": {"formula": {"number": 3}}}):
        with pytest.raises(APIResponseError) as caught:
            notion_sdk.pages.update(page_id=page.id, properties=properties)
        assert caught.value.code == APIErrorCode.ValidationError
        messages.append(str(caught.value))
    assert messages[0] == "Nope is not a property that exists."
    assert "Score is a formula property" in messages[1]


def test_a_query_stops_at_the_result_limit_and_says_so(notion_sdk, notion: NotionApi) -> None:
    notion.query_result_limit = 30
    source_id = daily_source_id(notion_sdk, notion)
    first = notion_sdk.data_sources.query(data_source_id=source_id, page_size=20)
    assert first["request_status"] == {
        "type": "incomplete",
        "incomplete_reason": "query_result_limit_reached",
    }
    second = notion_sdk.data_sources.query(
        data_source_id=source_id, page_size=20, start_cursor=first["next_cursor"]
    )
    assert len(second["results"]) == 10 and second["has_more"] is False
    assert second["next_cursor"] is None
