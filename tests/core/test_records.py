"""Checked reads of API records: the error names the record, the field and what was wrong."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.core.records import MalformedRecord, keyed


def test_a_well_formed_record_reads_as_typed_values() -> None:
    fields = keyed(
        {"id": 7, "at": "2026-01-02T03:04:05Z", "tags": [{"n": "a"}]}, "Thing", "id", "t"
    )
    assert fields.name == "Thing 7 (table t)" and fields.key("id") == "7"
    assert fields.timestamp("at") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert fields.timestamp("missing") is None and fields.nested("missing") is None
    assert [item.get("n", str) for item in fields.items("tags")] == ["a"]


@pytest.mark.parametrize(
    ("record", "read", "message"),
    [
        ({"id": ""}, lambda f: f, "Thing (table t): field `id` is empty"),
        ({"id": True}, lambda f: f, "field `id` should be text or a number, not True (bool)"),
        ({"url": "u"}, lambda f: f, "Thing with url 'u' (table t): field `id` is missing"),
        ({"id": "1", "at": ""}, lambda f: f.timestamp("at", required=True), "`at` is empty"),
        ({"id": "1", "at": 5}, lambda f: f.timestamp("at"), "`at` should be an ISO 8601"),
        ({"id": "1", "a": {"b": [1]}}, lambda f: f.nested("a").items("b"), "`a.b[0]` should be an"),
        ({"id": "1", "a": ["x" * 80]}, lambda f: f.get("a", dict), "not a list of 1 item(s)"),
    ],
)
def test_a_malformed_record_is_named_with_its_field(record, read, message) -> None:
    with pytest.raises(MalformedRecord, match="no cursor moved") as raised:
        read(keyed(record, "Thing", "id", "t", clues=("url",)))
    assert message in str(raised.value)
