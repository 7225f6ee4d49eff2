"""Typing HubSpot's string values from their property definitions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pipelines.hubspot.columns import (
    RESERVED_COLUMNS,
    column_hints,
    merge_property_columns,
    property_columns,
)
from pipelines.hubspot.objects import split_properties


def _columns(*definitions: dict) -> dict:
    return property_columns(definitions, RESERVED_COLUMNS)


def test_each_property_type_becomes_its_column_type() -> None:
    columns = _columns(
        {"name": "amount", "type": "number", "fieldType": "number"},
        {"name": "closed", "type": "datetime", "fieldType": "date"},
        {"name": "birthday", "type": "date", "fieldType": "date"},
        {"name": "opt_in", "type": "bool", "fieldType": "booleancheckbox"},
        {"name": "legacy_flag", "type": "enumeration", "fieldType": "booleancheckbox"},
        {"name": "stage", "type": "enumeration", "fieldType": "select"},
        {"name": "interests", "type": "enumeration", "fieldType": "checkbox"},
        {"name": "phone", "type": "phone_number", "fieldType": "phonenumber"},
    )
    assert {c.name: c.data_type for c in columns.values()} == {
        "amount": "double",
        "closed": "timestamp",
        "birthday": "date",
        "opt_in": "bool",
        "legacy_flag": "bool",
        "stage": "text",
        "interests": "json",
        "phone": "text",
    }
    assert column_hints(columns.values())["interests"] == {"data_type": "json", "nullable": True}


def test_values_convert_from_hubspot_strings() -> None:
    columns = _columns(
        {"name": "amount", "type": "number", "fieldType": "number"},
        {"name": "closed", "type": "datetime", "fieldType": "date"},
        {"name": "birthday", "type": "date", "fieldType": "date"},
        {"name": "opt_in", "type": "bool", "fieldType": "booleancheckbox"},
        {"name": "interests", "type": "enumeration", "fieldType": "checkbox"},
        {"name": "title", "type": "string", "fieldType": "text"},
    )
    value = {name: column.value for name, column in columns.items()}
    assert value["amount"]("1250.5") == 1250.5
    moment = datetime(2019, 10, 31, 0, 0, tzinfo=UTC)
    assert value["closed"]("1572480000000") == moment  # epoch milliseconds
    assert value["closed"]("2019-10-31T00:00:00.000Z") == moment  # ISO 8601
    assert value["birthday"]("2026-11-12") == date(2026, 11, 12)
    assert value["birthday"]("1572480000000") == date(2019, 10, 31)
    assert value["opt_in"]("true") is True and value["opt_in"]("false") is False
    assert value["interests"]("hiking;chess;") == ["hiking", "chess"]
    # empty strings are null for every non-text type, and stay text for text
    assert [value[n]("") for n in ("amount", "closed", "birthday", "opt_in", "interests")] == [
        None
    ] * 5
    assert value["title"]("") == "" and value["title"](None) is None


def test_a_value_that_does_not_parse_is_kept_not_dropped() -> None:
    (amount,) = _columns({"name": "amount", "type": "number", "fieldType": "number"}).values()
    assert amount.value("about twelve") == "about twelve"


def test_properties_named_like_contract_columns_get_a_prefix() -> None:
    columns = _columns(
        {"name": "id", "type": "string", "fieldType": "text"},
        {"name": "is_deleted", "type": "bool", "fieldType": "booleancheckbox"},
        {"name": "engagement_type", "type": "string", "fieldType": "text"},
    )
    assert [c.column for c in columns.values()] == [
        "property_id",
        "property_is_deleted",
        "property_engagement_type",
    ]


def test_engagement_types_disagreeing_on_a_type_share_a_text_column() -> None:
    calls = _columns({"name": "hs_outcome", "type": "number", "fieldType": "number"})
    tasks = _columns(
        {"name": "hs_outcome", "type": "enumeration", "fieldType": "select"},
        {"name": "hs_task_subject", "type": "string", "fieldType": "text"},
    )
    merged = merge_property_columns([calls, tasks])
    assert merged["hs_outcome"].data_type == "text"
    assert merged["hs_outcome"].value("7") == "7"
    assert merged["hs_task_subject"].data_type == "text"


def test_long_property_lists_spill_from_the_url_into_a_request_body() -> None:
    names = [f"a_custom_property_number_{i:04d}" for i in range(400)]
    in_query, in_body = split_properties(names, budget=3000)
    assert in_query + in_body == names
    assert sum(len("&properties=") + len(n) for n in in_query) <= 3000
    assert len(in_query) > 50 and in_body
    assert split_properties(names[:5], budget=3000) == (names[:5], [])
