"""ISO 8601 / RFC 3339 timestamps as the three APIs write them, read one way.

Notion writes milliseconds and `Z`, HubSpot milliseconds and `Z` (or an offset), Google
up to nanoseconds and `Z`. Python's `datetime.fromisoformat` (3.11+) reads all of these,
offsets, a space instead of `T`, fractions of any length (cut to microseconds) and bare
dates; this module adds the rest RFC 3339 allows (lower-case `t`/`z`, surrounding space)
and turns the result into one kind of value: an aware datetime in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime


def parse_iso_datetime(text: str) -> datetime:
    """The date and time as written: with its own offset, or naive when it has none.

    For values whose calendar day matters in their own zone; raises ValueError when
    `text` is not an ISO 8601 date or date-time.
    """
    return datetime.fromisoformat(text.strip().upper())


def parse_timestamp(text: str) -> datetime:
    """An instant as an aware UTC datetime; a stamp without an offset is taken as UTC.

    A bare date is midnight UTC. Raises ValueError when `text` is unreadable.
    """
    moment = parse_iso_datetime(text)
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_optional_timestamp(text: str | None) -> datetime | None:
    """`parse_timestamp` for fields an API may leave out: None or "" is None."""
    return parse_timestamp(text) if text else None
