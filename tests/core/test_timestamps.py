"""One timestamp parser for the three APIs' ISO 8601 / RFC 3339 stamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pipelines.core.timestamps import (
    parse_iso_datetime,
    parse_optional_timestamp,
    parse_timestamp,
)

NOON = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02T12:00:00.000Z", NOON),  # Notion and HubSpot
        ("2026-03-02T12:00:00Z", NOON),
        ("2026-03-02t12:00:00z", NOON),  # RFC 3339 allows lower case
        (" 2026-03-02T12:00:00Z\n", NOON),
        ("2026-03-02T14:00:00+02:00", NOON),  # an offset becomes UTC
        ("2026-03-02T07:00:00-05:00", NOON),
        ("2026-03-02 12:00:00+00:00", NOON),
        ("2026-03-02T12:00:00", NOON),  # no offset: UTC
        ("2026-03-02T12:00:00.5Z", NOON + timedelta(microseconds=500_000)),
        ("2026-03-02T12:00:00.123456789Z", NOON + timedelta(microseconds=123_456)),  # Google
        ("2026-03-02", NOON - timedelta(hours=12)),  # a bare date: midnight UTC
    ],
)
def test_stamps_become_aware_utc(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0) and parsed.tzinfo is UTC


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-02T00:00:00Z", "1572480000000"])
def test_unreadable_text_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)


def test_optional_fields_may_be_missing_but_not_wrong() -> None:
    assert parse_optional_timestamp(None) is None
    assert parse_optional_timestamp("") is None
    assert parse_optional_timestamp("2026-03-02T12:00:00Z") == NOON
    with pytest.raises(ValueError):
        parse_optional_timestamp("soon")


def test_as_written_keeps_the_offset_or_its_absence() -> None:
    east = parse_iso_datetime("2026-03-02T00:30:00+02:00")
    assert east.utcoffset() == timedelta(hours=2) and east.date().day == 2
    assert east.tzinfo == timezone(timedelta(hours=2))
    assert parse_iso_datetime("2026-03-02T00:30:00").tzinfo is None
